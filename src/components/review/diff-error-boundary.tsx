"use client";

import { Component, type ReactNode } from "react";

/**
 * Keeps one file's diff failing to render (a library error on an odd diff) from taking the whole
 * task page down: that file shows the error and a retry, the rest of the page goes on.
 */
export class DiffErrorBoundary extends Component<{ children: ReactNode; className?: string }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override componentDidCatch(error: Error): void {
    console.warn("diff view failed to render", error);
  }

  override render(): ReactNode {
    if (this.state.error) {
      return (
        <p className={this.props.className} role="alert">
          This diff could not be shown ({this.state.error.message}).{" "}
          <button type="button" className="button button-small" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
        </p>
      );
    }
    return this.props.children;
  }
}
