"""(to come)"""
from __future__ import annotations


def docs():
    return []
