import "server-only";
import { cookies } from "next/headers";
import { getRemoteAccess } from "@/server/devices/registry";
import { svgQr } from "@/server/devices/qr";
import { DeviceList } from "./device-list";
import styles from "./settings.module.css";

/** Cookie name of server/ui-auth.ts (a separate module copy: only the name is shared). */
const SESSION_COOKIE = "aim_session";

/**
 * Settings → "Other devices": the sign-in QR code and the signed-in devices. Rendered on the
 * server for a signed-in request only (the page itself needs the session cookie), so the access
 * token in the QR code reaches nobody who does not already hold it.
 */
export async function RemoteAccessPanel() {
  const access = getRemoteAccess();
  if (!access.devices) {
    return (
      <p className="muted">
        Sign-in is off (<code>AI_MANAGER_AUTH=none</code>), which is only allowed on a loopback address: no other device can
        reach this server.
      </p>
    );
  }
  const secret = (await cookies()).get(SESSION_COOKIE)?.value;
  const current = secret ? access.devices.find(secret) : undefined;
  const urls = access.signInUrls();
  const primary = urls[0];
  const qr = primary ? await svgQr(primary) : undefined;
  return (
    <div className="form">
      {primary && qr ? (
        <div className={styles.signIn}>
          {/* Generated here from our own URL: an SVG of rectangles, no user input in it. */}
          <div className={styles.qr} role="img" aria-label="QR code of the sign-in URL" data-testid="sign-in-qr" dangerouslySetInnerHTML={{ __html: qr }} />
          <div className={styles.signInText}>
            {access.exposed ? (
              <p>Scan this with your phone&apos;s camera, or open the address below on the other device.</p>
            ) : (
              <p>
                This server listens on loopback only, so other devices cannot reach it. Start it with <code>HOST=0.0.0.0</code> to use
                it from your phone on the same network (see the README, &quot;From another device&quot;).
              </p>
            )}
            {urls.map((url) => (
              <code key={url} className={styles.signInUrl} data-testid="sign-in-url">
                {url}
              </code>
            ))}
            <p className="form-alert" role="note">
              This code and address contain the access token: whoever scans or copies them can use every terminal. Show them only to
              your own devices; revoke a device below if it is lost.
            </p>
            {access.exposed && !access.tls ? (
              <p className="muted">
                Plain HTTP: anyone on this network can read the traffic. Set <code>AI_MANAGER_TLS_CERT</code> and{" "}
                <code>AI_MANAGER_TLS_KEY</code> to serve HTTPS.
              </p>
            ) : null}
          </div>
        </div>
      ) : (
        <p className="muted">No network address found on this machine for other devices to open.</p>
      )}
      <h3>Signed-in devices</h3>
      <DeviceList devices={access.devices.list()} currentId={current?.id} />
    </div>
  );
}
