"""A drop-in for the official NAS-Bench-101 API (google-research/nasbench)
without TensorFlow, over cellscape: `from nasbench import api`."""
