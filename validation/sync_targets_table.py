"""Copy the targets table of validation/RESULTS.md into docs/detection.md (run after report.py)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _table(lines: list[str]) -> tuple[int, int]:
    start = next(i for i, line in enumerate(lines) if line.startswith("| figure | target"))
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return start, end


def main() -> None:
    src = (ROOT / "validation" / "RESULTS.md").read_text().splitlines()
    doc_path = ROOT / "docs" / "detection.md"
    doc = doc_path.read_text().splitlines()
    s0, s1 = _table(src)
    d0, d1 = _table(doc)
    doc[d0:d1] = src[s0:s1]
    doc_path.write_text("\n".join(doc) + "\n")


if __name__ == "__main__":
    main()
