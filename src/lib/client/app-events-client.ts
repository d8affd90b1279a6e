"use client";

import { useEffect, useRef } from "react";
import type { RunUsage } from "@/lib/format/run-usage";

/**
 * One shared connection per tab to `/ws/events`: every committed change on the server (tasks,
 * executions, sessions) arrives here, so pages update live. After a reconnect, subscribers get a
 * `resync` event: changes may have been missed while offline, so they refetch.
 */
export type ClientAppEvent =
  | {
      type: "task.changed";
      task: { id: string; status: string; title: string; statusMessage: string | null; updatedAt: string } & Record<string, unknown>;
      /** The status before this change; null for a new task. */
      previousStatus: string | null;
    }
  | { type: "task.deleted"; taskId: string }
  | {
      type: "execution.changed";
      execution: {
        id: string;
        taskId: string;
        status: string;
        exitCode: number | null;
        signal: string | null;
        agentSessionId: string | null;
        agentStatus: string | null;
        agentMessage: string | null;
      } & Record<string, unknown>;
    }
  | { type: "session.changed"; taskId: string; live: boolean }
  /** A run's tokens and cost grew; shown in place (RunUsageLabel), no page refresh. */
  | { type: "execution.usage"; executionId: string; taskId: string; usage: RunUsage }
  | { type: "resync" }
  /**
   * Client-side only: the channel is (re)connected. `first` is the page's first connection —
   * anything that changed between the server render and this moment was not pushed to it.
   */
  | { type: "connected"; first: boolean }
  /**
   * Client-side only: the server now serves another build of the app than the one this page was
   * loaded from (it was updated and restarted). The page's actions no longer exist on the server,
   * and a refresh would make Next reload the page, throwing away whatever was typed into it; so
   * from here on no server event is passed on, and the page offers a reload (UpdateBanner).
   */
  | { type: "updated" };

type ServerHello = { type: "hello"; build?: unknown };

type Listener = (event: ClientAppEvent) => void;

const listeners = new Set<Listener>();
let socket: WebSocket | undefined;
let retry = 0;
let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
let everConnected = false;
/** The build named by the page's first hello, and whether a later hello named another. */
let pageBuild: string | undefined;
let updated = false;

/** Whether the server was updated under this page (see the `updated` event). */
export function appWasUpdated(): boolean {
  return updated;
}

function open(): void {
  if (typeof window === "undefined" || socket) return;
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${scheme}//${window.location.host}/ws/events`);
  socket = ws;
  ws.onmessage = (message) => {
    if (typeof message.data !== "string") return;
    let event: ClientAppEvent | ServerHello;
    try {
      event = JSON.parse(message.data) as ClientAppEvent | ServerHello;
    } catch {
      return;
    }
    if (event.type === "hello") {
      retry = 0;
      const first = !everConnected;
      everConnected = true;
      const build = typeof event.build === "string" ? event.build : undefined;
      if (pageBuild === undefined) pageBuild = build;
      else if (build !== undefined && build !== pageBuild && !updated) {
        updated = true;
        dispatch({ type: "updated" });
      }
      if (updated) return;
      dispatch({ type: "connected", first });
      if (!first) dispatch({ type: "resync" });
      return;
    }
    if (updated) return;
    dispatch(event);
  };
  ws.onclose = () => {
    socket = undefined;
    if (listeners.size === 0) return;
    const wait = Math.min(5_000, 250 * 2 ** retry++);
    reconnectTimer = setTimeout(open, wait);
  };
}

function dispatch(event: ClientAppEvent): void {
  for (const listener of [...listeners]) listener(event);
}

export function subscribeAppEvents(listener: Listener): () => void {
  listeners.add(listener);
  open();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearTimeout(reconnectTimer);
      socket?.close();
      socket = undefined;
    }
  };
}

/** Subscribes for the component's lifetime; the latest handler is always the one called. */
export function useAppEvents(handler: Listener): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => subscribeAppEvents((event) => ref.current(event)), []);
}
