# OPA agent image: builds the dashboard (Node) and the agent fat jar (Maven), runs on a JRE.
# Build from the repository root:  docker build -f docker/agent.Dockerfile -t opa-agent .
FROM node:20-bookworm-slim AS ui
WORKDIR /src/ui
COPY ui/package.json ui/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY ui/ ./
RUN npm run build

FROM maven:3.9-eclipse-temurin-17 AS agent
WORKDIR /src
COPY pom.xml ./
RUN mvn -B -ntp -Dskip.ui dependency:go-offline
COPY src/ src/
RUN mvn -B -ntp -Dskip.ui -DskipTests package

FROM eclipse-temurin:17-jre
# /var/run/opa: the Unix socket the PHP extension writes to (a volume shared with php-fpm only)
RUN useradd --system --home-dir /app opa && mkdir -p /app/data /var/run/opa && chown opa /app/data /var/run/opa
WORKDIR /app
COPY --from=agent /src/target/opa-agent.jar ./opa-agent.jar
COPY --from=ui /src/ui/dist ./ui/dist
COPY application.yaml ./
COPY routes/ ./routes/
COPY clickhouse-init/ ./clickhouse-init/
USER opa
# In a container the listeners must bind all interfaces; publish the ports on 127.0.0.1 (compose does).
# A bounded heap (the agent bounds its buffers in bytes; docs/benchmarks.md): override JAVA_TOOL_OPTIONS to resize.
ENV OPA_TCP_LISTEN=0.0.0.0:9090 \
    OPA_SOCKET_PATH=/var/run/opa/opa.sock \
    OPA_HTTP_HOST=0.0.0.0 \
    OPA_DATA_DIR=/app/data \
    JAVA_TOOL_OPTIONS="-Xmx384m -XX:+UseParallelGC"
EXPOSE 9090 8080
VOLUME /app/data
ENTRYPOINT ["java", "-jar", "/app/opa-agent.jar"]
