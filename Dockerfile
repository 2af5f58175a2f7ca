# onedoor: one image for the API and the worker.
# Build:  docker build -t onedoor .
# Run:    docker run onedoor api   |   docker run onedoor worker

# --- build: all dependencies, workflow bundle, web assets ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Bundling the workflow code here saves every worker the bundling at start-up.
RUN node bin/onedoor.js bundle && npm run build:web --if-present && npm prune --omit=dev

# --- runtime: production dependencies and sources only, as a non-root user ---
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000
# The mediation agreement PDFs embed Chinese glyphs from Noto Sans CJK (ONEDOOR_CJK_FONT).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/package.json /app/tsconfig.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/src ./src
COPY --from=build /app/workflows ./workflows
COPY --from=build /app/activities ./activities
COPY --from=build /app/dist ./dist
COPY --from=build /app/web ./web
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/onedoor.js"]
CMD ["api"]
