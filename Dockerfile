# The aimeter demo assistant (examples/assistant) for docker-compose.yml.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY instrumentations ./instrumentations
COPY examples ./examples
COPY prices ./prices
RUN npx tsc -p tsconfig.json
ENV OTEL_EXPORTER_PROMETHEUS_HOST=0.0.0.0 \
    OTEL_EXPORTER_PROMETHEUS_PORT=9464
EXPOSE 9464
CMD ["node", "--require", "./dist/src/register.js", "dist/examples/assistant/main.js"]
