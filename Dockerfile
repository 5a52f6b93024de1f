FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# WeasyPrint (the signed charter in PDF) needs Pango.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home --home-dir /app astep
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# Static files hashed and compressed once, at build (WhiteNoise serves them); the code
# stays root's, only the private files folder (a volume) is the portal's to write.
RUN DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
    && mkdir -p var/private && chown astep:astep var/private
USER astep
EXPOSE 8000
# Access log on stdout; no control socket (gunicorn's admin CLI, unused; $HOME is read-only).
CMD ["gunicorn", "astep.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--no-control-socket"]
