FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

# cron: the scheduler service's periodic commands (deploy/crontab); gettext: compilemessages. A container lacks
# the capability to set the audit login uid, so pam_loginuid is made optional, or cron would refuse to start any job.
RUN apt-get update \
    && apt-get install -y --no-install-recommends cron gettext \
    && rm -rf /var/lib/apt/lists/* \
    && sed -i 's/^session\s\+required\s\+pam_loginuid.so/session optional pam_loginuid.so/' /etc/pam.d/cron

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
COPY deploy/crontab /etc/cron.d/attendance
# collectstatic and compilemessages need settings to load; this key exists only for the build step.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
    && SECRET_KEY=collectstatic-only python manage.py compilemessages

RUN useradd --create-home app && mkdir -p /app/media && chown app /app/media
USER app
EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "attendance_system.asgi:application"]
