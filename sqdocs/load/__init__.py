"""Readers: YAML files → the model, with every problem reported as file:line:col: path: message."""

from sqdocs.load.diagnostics import Diagnostic, LoadError
from sqdocs.load.plan import PLAN_FILES, load_plan
from sqdocs.load.yamlfile import YamlDoc, read_yaml

__all__ = ["PLAN_FILES", "Diagnostic", "LoadError", "YamlDoc", "load_plan", "read_yaml"]
