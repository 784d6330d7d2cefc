// The versions of the Temporal parts the production shape runs. One place for
// `npm run cluster` (built with go install), docker-compose.yml and the
// Kubernetes manifests (image tags, checked by a test).

/** The server that Temporal CLI v1.5.1 embeds: `npm start` and `npm run cluster` run the same Temporal. */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
/** The standalone Web UI server that Temporal CLI v1.5.1 embeds. */
export const TEMPORAL_UI_VERSION = 'v2.42.1';
