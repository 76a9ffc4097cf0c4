"""The Dutch reflection prep sheet (HTML, Markdown, PDF) and fragments.json."""

from pipeline.report.sheet import closing_prompts, load_texts, md_escape, write_sheet

__all__ = ["closing_prompts", "load_texts", "md_escape", "write_sheet"]
