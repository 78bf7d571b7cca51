export * from './app-api';
