"""Shared set-up for adapter tests: a CodePipeline client under botocore's Stubber."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from botocore.stub import Stubber

from tests.fakes.stubbed import codepipeline_client

if TYPE_CHECKING:
    from mypy_boto3_codepipeline import CodePipelineClient


@pytest.fixture
def codepipeline() -> CodePipelineClient:
    return codepipeline_client()


@pytest.fixture
def codepipeline_stub(codepipeline: CodePipelineClient) -> Iterator[Stubber]:
    """Stubs `codepipeline`; every queued answer must have been asked for by the test's end."""
    with Stubber(codepipeline) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()
