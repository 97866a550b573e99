# The warm PDF converter (projects/office.py): unoserver (PyPI) in front of Debian's LibreOffice,
# answering XML-RPC on port 2003 inside the compose network. The worker sends each document as
# bytes and gets the PDF back: no disk is shared. CJK fonts, so the 任务书 prints as it shows.
FROM debian:bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui python3-uno \
    python3-pip fonts-noto-cjk \
 && pip3 install --no-cache-dir --break-system-packages "unoserver>=3.1,<4" \
 && rm -rf /var/lib/apt/lists/*
# unoserver's main with documents opened hidden (a spreadsheet aborts the no-GUI LibreOffice otherwise).
COPY projects/unoserver_main.py /opt/unoserver_main.py
EXPOSE 2003
CMD ["python3", "/opt/unoserver_main.py", "--interface", "0.0.0.0", "--port", "2003", "--conversion-timeout", "180"]
