FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
# collectstatic needs settings but no secret: a throwaway key for the build only.
RUN pip install --no-cache-dir -e . \
 && DJANGO_SECRET_KEY=$(python -c "import secrets; print(secrets.token_urlsafe(50))") \
    python manage.py collectstatic --noinput
EXPOSE 8000
