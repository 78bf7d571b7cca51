import { Component } from 'react';
import type { ReactNode } from 'react';

/** A render bug shows a way out instead of a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="banner banner-error" role="alert" data-testid="render-error">
        <p>This window ran into a problem. Your VPN connection is not affected.</p>
        <button type="button" onClick={() => location.reload()}>Reload the window</button>
      </div>
    );
  }
}
