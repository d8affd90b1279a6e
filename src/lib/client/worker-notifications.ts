/**
 * System notifications through a service worker, for browsers that refuse `new Notification()` in
 * a page (Chrome on Android throws "Illegal constructor"). The worker (public/notifications-sw.js)
 * is registered only then, and only shows notifications and opens the task on a tap: it has no
 * fetch handler and caches nothing.
 */
const WORKER_URL = "/notifications-sw.js";

export async function showThroughWorker(title: string, options: { body: string; tag: string; icon: string; url: string }): Promise<boolean> {
  if (typeof navigator === "undefined" || !("serviceWorker" in navigator)) return false;
  try {
    await navigator.serviceWorker.register(WORKER_URL, { scope: "/" });
    const registration = await navigator.serviceWorker.ready;
    await registration.showNotification(title, { body: options.body, tag: options.tag, icon: options.icon, data: { url: options.url } });
    return true;
  } catch {
    // No worker allowed here (a private window, an insecure origin): the toast still shows.
    return false;
  }
}
