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
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/kamiflow.jar"]
