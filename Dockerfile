# Build and run kamiflow; docker-compose.yml runs two of these behind HAProxy, deploy/k8s/ three on Kubernetes.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
COPY bpmn bpmn
COPY forms forms
RUN ./mvnw -B -q package -DskipTests

FROM eclipse-temurin:17-jre
# A fixed non-root uid/gid (10001): Kubernetes' runAsNonRoot can only verify a numeric USER, and deploy/k8s
# sets the same runAsUser. The jar stays owned by root, so the process cannot rewrite its own code.
RUN groupadd --system --gid 10001 kamiflow && useradd --system --uid 10001 --gid 10001 --no-create-home kamiflow
COPY --from=build /src/target/kamiflow-*.jar /app/kamiflow.jar
USER 10001:10001
# Production unless told otherwise: it refuses to start on dev defaults and lists what to set.
ENV SPRING_PROFILES_ACTIVE=prod
# 8080 the shop; 8081 health probes and Prometheus (management.server.port), for the internal network only.
EXPOSE 8080 8081
# Heap sized from the container's memory limit, leaving room for metaspace, threads and direct buffers.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-jar", "/app/kamiflow.jar"]
