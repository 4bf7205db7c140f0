"""Reads records from a Kafka topic with the confluent-kafka client and prints each as one JSON line:
{"partition", "offset", "key", "headers": {name: value}, "value": <the value parsed as JSON>}.

Used by `tests/tests/python_client` to check that our events are plain Kafka records any client can
read (the CloudEvents Kafka binding in binary mode), not something only our Rust code understands.

usage: read_events.py BROKERS TOPIC COUNT TIMEOUT_SECONDS
Exits 1 when fewer than COUNT records arrived in time, 2 on a consumer error.
"""

import json
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaError


def main() -> int:
    brokers, topic, count, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    consumer = Consumer(
        {
            "bootstrap.servers": brokers,
            "group.id": f"python-reader-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            # Tansu holds a new group's first join for about half the session timeout: librdkafka's
            # default of 45 s makes the first record take 23 s, 6 s (as our consumers use) 3.7 s.
            "session.timeout.ms": 6000,
        }
    )
    consumer.subscribe([topic])
    deadline = time.monotonic() + timeout
    seen = 0
    try:
        while seen < count and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            error = message.error()
            if error is not None:
                if error.code() == KafkaError._PARTITION_EOF:
                    continue
                print(f"consumer error: {error}", file=sys.stderr)
                return 2
            headers = {name: value.decode("utf-8") for name, value in (message.headers() or [])}
            key = message.key()
            print(
                json.dumps(
                    {
                        "partition": message.partition(),
                        "offset": message.offset(),
                        "key": key.decode("utf-8") if key is not None else None,
                        "headers": headers,
                        "value": json.loads(message.value()),
                    }
                ),
                flush=True,
            )
            seen += 1
    finally:
        consumer.close()
    if seen < count:
        print(f"only {seen} of {count} records arrived in {timeout} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
