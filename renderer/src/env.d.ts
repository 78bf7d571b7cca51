// Vite bundles CSS imported from components.
declare module '*.css';
