# hookflow image: one image, three commands (api | worker | migrate).
#
# Debian slim rather than Alpine: the worker bundles workflow code at start-up
# with @swc/core, and @temporalio/core-bridge ships a native addon; both are
# prebuilt for glibc.
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# npm 11 honours package.json "allowScripts", which is the allow-list for the
# dependencies whose install scripts must run (esbuild, @swc/core, ...).
# The npm bundled with Node 20 does not, so update it before `npm ci`.
RUN npm install -g npm@11 && npm cache clean --force

# Dependencies first so this layer is reused while only source changes.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# The app runs from TypeScript source through tsx (a runtime dependency).
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities

USER node
EXPOSE 3000

# docker-compose.yml overrides this for the worker and migrate services.
CMD ["node", "--import", "tsx", "src/main.ts", "api"]
