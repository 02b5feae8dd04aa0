# SentinelOps MCP image: `docker build -t sentinelops-mcp .` (the Helm chart in deploy/helm takes any image reference).
# Multi-stage: the build stage compiles TypeScript with the dev dependencies; the runtime stage gets only dist/,
# the dashboard's static files and production node_modules, and runs as a non-root numeric UID (the chart's
# runAsNonRoot can verify a number, not a name).

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 falls back to compiling when no prebuilt binary matches the platform.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 make g++ >/dev/null && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY tools ./tools
COPY resources ./resources
COPY prompts ./prompts
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/src/dashboard/static ./src/dashboard/static
# The node user of the base image (uid 1000). The root filesystem may be read-only: the store lives on /data.
USER 1000:1000
VOLUME ["/data"]
EXPOSE 8000
# node is PID 1 and that is safe here: serve and agent install SIGTERM/SIGINT handlers (a PID 1 without handlers
# would ignore SIGTERM), drain the running agent cycle, release the Lease and close the store; the process
# spawns no children, so there are no zombies for an init to reap.
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["serve", "--http", "--cluster", "in-cluster"]
