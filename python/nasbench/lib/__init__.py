"""The official API's nasbench.lib modules: model_spec, graph_util, config."""
