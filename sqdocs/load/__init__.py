"""Readers: YAML files → the model, with every problem reported as file:line:col: path: message."""

from sqdocs.load.diagnostics import Diagnostic, LoadError
from sqdocs.load.plan import PLAN_FILES, load_plan, plan_warnings
from sqdocs.load.results import has_results, load_results
from sqdocs.load.subplan import SubplanFile, load_subplans, read_subplan, subplan_path
from sqdocs.load.yamlfile import YamlDoc, read_yaml

__all__ = [
    "PLAN_FILES", "Diagnostic", "LoadError", "SubplanFile", "YamlDoc", "has_results", "load_plan", "load_results",
    "load_subplans", "plan_warnings",
    "read_subplan", "read_yaml", "subplan_path",
]
