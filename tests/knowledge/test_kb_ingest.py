"""Parsing md/txt/html/pdf/docx and Chinese-aware chunking (no models needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.ingest import MAX_CHUNK_CHARS, IngestError, chunk_text, expand_paths, parse_file, read_document

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "kb"


def test_markdown_sections_title_and_city() -> None:
    parsed = parse_file(SAMPLES / "rd_deduction.md")
    assert parsed.doc == "rd_deduction"
    assert parsed.title == "企业研发费用加计扣除政策解读（示例）"
    assert parsed.city == "襄阳"
    sections = [c.section for c in parsed.chunks]
    assert "四、什么时候申报" in sections
    deadline = next(c for c in parsed.chunks if c.section == "四、什么时候申报")
    assert "5月31日" in deadline.text and deadline.doc == "rd_deduction"
    assert [c.ordinal for c in parsed.chunks] == list(range(len(parsed.chunks)))


def test_articles_start_chunks_and_long_sections_split_with_overlap() -> None:
    long_body = "".join(f"第{i}句讲的是申报材料的第{i}项要求，需要按时提交。" for i in range(1, 40))
    text = f"# 某某管理办法\n\n## 第一章 总则\n第一条 为了规范管理，制定本办法。\n第二条 本办法适用于全市。\n\n## 第二章 材料\n{long_body}"
    parsed = chunk_text(text, doc="rules")
    sections = [c.section for c in parsed.chunks]
    assert "第一章 总则 第一条" in sections and "第一章 总则 第二条" in sections
    material = [c for c in parsed.chunks if c.section == "第二章 材料"]
    assert len(material) > 1 and all(len(c.text) <= MAX_CHUNK_CHARS + 40 for c in material)
    first_last = material[0].text.splitlines()[-1]
    assert material[1].text.splitlines()[0] == first_last  # one sentence of overlap


def test_plain_text_headings_and_title(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text("青年人才补贴须知\n\n一、对象\n全职在本市工作的博士。\n二、标准\n每人每月补贴3000元。\n", encoding="gb18030")
    parsed = parse_file(path)
    assert parsed.title == "青年人才补贴须知"
    assert {c.section for c in parsed.chunks} >= {"一、对象", "二、标准"}


def test_html_drops_scripts_and_keeps_headings(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>页</title><script>var x='广告';</script></head><body>"
        "<h1>十堰市创新券指南</h1><nav>首页</nav><h2>一、额度</h2><p>每家企业每年最多10万元。</p>"
        "<ul><li>不能兑换现金；</li></ul></body></html>", encoding="utf-8")
    parsed = parse_file(path)
    assert parsed.title == "十堰市创新券指南" and parsed.city == "十堰"
    text = "\n".join(c.text for c in parsed.chunks)
    assert "10万元" in text and "不能兑换现金" in text and "广告" not in text


def test_docx_heading_styles_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("随州市科技贷款贴息办法", level=0)
    document.add_heading("一、贴息标准", level=1)
    document.add_paragraph("按实际支付利息的40%给予贴息。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "上限", "每户20万元"
    path = tmp_path / "loan.docx"
    document.save(str(path))
    parsed = parse_file(path)
    assert parsed.title == "随州市科技贷款贴息办法" and parsed.city == "随州"
    assert any(c.section == "一、贴息标准" and "40%" in c.text for c in parsed.chunks)
    assert any("每户20万元" in c.text for c in parsed.chunks)


def _minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with Helvetica text (ASCII), built by hand."""
    stream = "BT /F1 12 Tf 72 720 Td " + " ".join(f"({line}) Tj 0 -16 Td" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "guide.pdf"
    path.write_bytes(_minimal_pdf(["Innovation voucher guide", "Each company may use up to 200000 yuan per year."]))
    parsed = parse_file(path)
    assert parsed.doc == "guide"
    assert "200000 yuan" in "\n".join(c.text for c in parsed.chunks)


@pytest.mark.parametrize(("name", "content"), [("broken.pdf", b"not a pdf"), ("broken.docx", b"PK\x03\x04junk"),
                                               ("empty.md", b"   \n"), ("image.png", b"\x89PNG")])
def test_unparseable_files_raise_ingest_error(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError):
        read_document(path)


def test_expand_paths_finds_supported_files_recursively(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    for name in ("a/x.md", "a/y.docx", "a/z.jpg", "w.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = {p.name for p in expand_paths([tmp_path])}
    assert found == {"x.md", "y.docx", "w.txt"}
