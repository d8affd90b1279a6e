// AI Manager's service worker, for one thing only: showing a system notification where the page
// itself may not (Chrome on Android allows notifications only through a service worker), and
// opening the task when it is tapped. It has no fetch handler and caches nothing, so every page
// and request still goes to the server with the person's sign-in, as without it.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url ?? "/", self.location.origin);
  // Only pages of this app: a notification's data never sends the person elsewhere.
  const url = target.origin === self.location.origin ? target.href : self.location.origin + "/";
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows[0];
      if (open) {
        await open.focus();
        const navigated = await open.navigate(url).catch(() => null);
        if (navigated) return;
      }
      await self.clients.openWindow(url);
    })(),
  );
});
