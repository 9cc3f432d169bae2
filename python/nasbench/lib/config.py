"""The official API's default configuration (its values, as documented)."""


def build_config():
    """The configuration dict the official API builds by default."""
    return {
        "train_data_files": [],
        "valid_data_file": "",
        "test_data_file": "",
        "sample_data_file": "",
        "data_format": "channels_last",
        "num_labels": 10,
        "module_vertices": 7,
        "max_edges": 9,
        "available_ops": ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"],
        "stem_filter_size": 128,
        "num_stacks": 3,
        "num_modules_per_stack": 3,
        "batch_size": 256,
        "train_epochs": 108,
        "train_seconds": 4.0 * 60 * 60,
        "learning_rate": 0.1,
        "lr_decay_method": "COSINE_BY_STEP",
        "momentum": 0.9,
        "weight_decay": 1e-4,
        "max_attempts": 5,
        "intermediate_evaluations": ["0.5"],
        "num_repeats": 3,
        # The reference's defaults, though nothing here runs on a TPU.
        "use_tpu": True,
        "tpu_iterations_per_loop": 100,
        "tpu_num_shards": 2,
    }
