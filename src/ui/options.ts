// Settings of the console and the portal (read from the environment in
// src/config.ts; tests give their own, e.g. a session of a few seconds).
export interface PortalTheme {
  /** Shown in the portal's header and title (HOOKFLOW_PORTAL_NAME). */
  name: string;
  /** An https image shown beside the name (HOOKFLOW_PORTAL_LOGO_URL). */
  logoUrl: string | undefined;
  /** A CSS hex colour for links and buttons (HOOKFLOW_PORTAL_ACCENT_COLOR). */
  accentColor: string;
}

export interface UiOptions {
  /** A session ends after this long without a request... */
  sessionIdleMs: number;
  /** ...and after this long in any case (a portal session also when its token expires). */
  sessionMaxMs: number;
  /** The Temporal Web UI, for links from a delivery to its workflow; undefined: no links. */
  temporalUiUrl: string | undefined;
  temporalNamespace: string;
  /** Where browsers reach hookflow when a proxy stands in front (HOOKFLOW_PUBLIC_URL): its origin is accepted on changes. */
  publicUrl: string | undefined;
  portal: PortalTheme & {
    /** Origins allowed to frame the portal (HOOKFLOW_PORTAL_FRAME_ANCESTORS); empty: no framing at all. */
    frameAncestors: readonly string[];
  };
}

export const DEFAULT_UI_OPTIONS: UiOptions = {
  sessionIdleMs: 30 * 60_000,
  sessionMaxMs: 12 * 60 * 60_000,
  temporalUiUrl: undefined,
  temporalNamespace: 'default',
  publicUrl: undefined,
  portal: { name: 'Webhooks', logoUrl: undefined, accentColor: '#0b57d0', frameAncestors: [] },
};
