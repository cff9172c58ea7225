# stripe-bulk: one image for the API, the workers and the emulator (the command picks the role).
# Build stage: compile TypeScript to dist/ (`npm run build`).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.sh ./scripts/build.sh
COPY src ./src
COPY jobs ./jobs
COPY bin ./bin
RUN bash scripts/build.sh

# Runtime: production dependencies and the compiled JavaScript only (a compiled worker idles ~50 MB below tsx).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# A V8 heap of 160 MB (README: Operating): the live heap of any job is a few tens of MB, and without a cap V8 lets
# garbage grow the process to 220+ MB before collecting; capped, a job peaks near 140 MB for a few % of speed.
ENV NODE_OPTIONS=--max-old-space-size=160
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY samples ./samples
USER node
EXPOSE 3000
CMD ["node", "dist/src/server.js"]
