# The provnews image: Airflow 3.3.2 with the project installed, used by every docker-compose service.
FROM apache/airflow:3.3.2-python3.11

USER airflow
WORKDIR /opt/provnews

# The runtime lock: the set the tests ran with (Airflow included, at the image's own version)
# less the test and browser tooling (`make lock-runtime`), so the image holds no dependency
# that CI never saw and none it does not run.
COPY --chown=airflow:0 requirements-runtime.lock ./
RUN pip install --no-cache-dir -r requirements-runtime.lock

COPY --chown=airflow:0 pyproject.toml ./
COPY --chown=airflow:0 provnews ./provnews
COPY --chown=airflow:0 scrapers ./scrapers
COPY --chown=airflow:0 transforms ./transforms
COPY --chown=airflow:0 warehouse ./warehouse
COPY --chown=airflow:0 mirror ./mirror
RUN pip install --no-cache-dir --no-deps .

COPY --chown=airflow:0 dags /opt/airflow/dags

ENV PROVNEWS_DATA=/opt/airflow/data \
    PROVNEWS_SITES=/opt/provnews/scrapers/sites \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/airflow/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False
WORKDIR /opt/airflow
