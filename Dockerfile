# Build and run kamiflow; docker-compose.yml wires it to PostgreSQL and Mailpit.
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
RUN useradd --system kamiflow
USER kamiflow
COPY --from=build /src/target/kamiflow-*.jar /app/kamiflow.jar
# Production unless told otherwise: it refuses to start on dev defaults and lists what to set.
ENV SPRING_PROFILES_ACTIVE=prod
# 8080 the shop; 8081 health probes and Prometheus (management.server.port), for the internal network only.
EXPOSE 8080 8081
ENTRYPOINT ["java", "-jar", "/app/kamiflow.jar"]
