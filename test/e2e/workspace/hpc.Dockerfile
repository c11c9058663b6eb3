FROM ubuntu:24.04
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
COPY app.c /src/app.c
RUN gcc -O3 -march=x86-64-v4 -o /usr/local/bin/app /src/app.c
