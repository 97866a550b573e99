FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e . && DJANGO_SECRET_KEY=build python manage.py collectstatic --noinput
EXPOSE 8000
