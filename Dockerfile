# stripe-bulk: one image for the API, the workers and the emulator (the command picks the role).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY src ./src
COPY jobs ./jobs
COPY samples ./samples
USER node
EXPOSE 3000
CMD ["npx", "tsx", "src/server.ts"]
