"""Query NAS-Bench-101 the way the official example does.

Written against the official API (google-research/nasbench) and run unchanged
on cellscape's drop-in (python/tests/test_client_script.py runs it on the
fixtures and checks its output against the reference's recorded answers):

    PYTHONPATH=build/python /usr/bin/python3 examples/nasbench_client.py \
        nasbench_only108.tfrecord [SEED]

It prints the Inception-like cell's data, then one CLIENT line of JSON per
cell of the dataset.
"""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import json
import sys

import numpy as np
from nasbench import api
from nasbench.lib import graph_util

NASBENCH_TFRECORD = sys.argv[1]
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else None

INPUT = 'input'
OUTPUT = 'output'
CONV1X1 = 'conv1x1-bn-relu'
CONV3X3 = 'conv3x3-bn-relu'
MAXPOOL3X3 = 'maxpool3x3'


def report(tag, value):
  print('CLIENT ' + tag + ' ' + json.dumps(value))


def main():
  # Load the data from file (this will take some time)
  nasbench = api.NASBench(NASBENCH_TFRECORD, seed=SEED)

  # Create an Inception-like module (5x5 convolution replaced with two 3x3
  # convolutions).
  model_spec = api.ModelSpec(
      # Adjacency matrix of the module
      matrix=[[0, 1, 1, 1, 0, 1, 0],    # input layer
              [0, 0, 0, 0, 0, 0, 1],    # 1x1 conv
              [0, 0, 0, 0, 0, 0, 1],    # 3x3 conv
              [0, 0, 0, 0, 1, 0, 0],    # 5x5 conv (replaced by two 3x3's)
              [0, 0, 0, 0, 0, 0, 1],    # 5x5 conv (replaced by two 3x3's)
              [0, 0, 0, 0, 0, 0, 1],    # 3x3 max-pool
              [0, 0, 0, 0, 0, 0, 0]],   # output layer
      # Operations at the vertices of the module, matches order of matrix
      ops=[INPUT, CONV1X1, CONV3X3, CONV3X3, CONV3X3, MAXPOOL3X3, OUTPUT])

  # Query this model from dataset, returns a dictionary containing the metrics
  # associated with this model.
  data = nasbench.query(model_spec)
  print('BEGIN DATA')
  print(data)
  print('END DATA')
  fixed_stats, computed_stats = nasbench.get_metrics_from_spec(model_spec)
  report('inception', {
      'hash': nasbench._hash_spec(model_spec),
      'valid': nasbench.is_valid(model_spec),
      'adjacency': fixed_stats['module_adjacency'].tolist(),
      'operations': fixed_stats['module_operations'],
      'parameters': fixed_stats['trainable_parameters'],
      'repeats108': computed_stats[108],
  })

  # Walk the whole dataset.
  for unique_hash in nasbench.hash_iterator():
    fixed_metrics, computed_metrics = nasbench.get_metrics_from_hash(
        unique_hash)
    spec = api.ModelSpec(matrix=fixed_metrics['module_adjacency'],
                         ops=fixed_metrics['module_operations'])
    data = nasbench.query(spec)
    labeling = ([-1] +
                [nasbench.config['available_ops'].index(op)
                 for op in fixed_metrics['module_operations'][1:-1]] +
                [-2])
    report('cell', {
        'hash': unique_hash,
        'rehash': graph_util.hash_module(fixed_metrics['module_adjacency'],
                                         labeling),
        'fixed': {
            'module_adjacency': fixed_metrics['module_adjacency'].tolist(),
            'dtype': str(fixed_metrics['module_adjacency'].dtype),
            'module_operations': fixed_metrics['module_operations'],
            'trainable_parameters': fixed_metrics['trainable_parameters'],
        },
        'computed': {str(e): computed_metrics[e]
                     for e in sorted(computed_metrics)},
        'mean_test_accuracy': np.mean(
            [r['final_test_accuracy'] for r in computed_metrics[108]]),
        'query': [data['training_time'], data['train_accuracy'],
                  data['validation_accuracy'], data['test_accuracy']],
    })

  time_spent, epochs_spent = nasbench.get_budget_counters()
  report('budget', [time_spent, epochs_spent])


if __name__ == '__main__':
  main()
