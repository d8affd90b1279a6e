import QRCode from "qrcode";

/**
 * QR codes of sign-in URLs: for the terminal at start-up and as SVG for Settings. Medium error
 * correction: a sign-in URL (~80 characters) stays a small code that phone cameras read from a
 * screen at arm's length.
 */
export function terminalQr(text: string): Promise<string> {
  return QRCode.toString(text, { type: "terminal", small: true, errorCorrectionLevel: "M" });
}

export function svgQr(text: string): Promise<string> {
  return QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2, color: { dark: "#000000", light: "#ffffff" } });
}
