"""The generator of plans/shop/sample-events.jsonl; tools/make_sample_events.py is its command
line."""
