"""Survey posters and QR codes: diacritics survive, codes decode to the exact URL, and no QR code
is ever made for a URL outside PUBLIC_BASE_URL."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from datetime import date
from xml.etree import ElementTree

import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp
from hypothesis import assume, given
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFilter
from pypdf import PdfReader

from survey_app.core import fonts as pdf_fonts
from survey_app.posters.pdf import (
    PosterData,
    PosterURLError,
    check_public_url,
    poster_lines,
    qr_png,
    qr_svg,
    qr_zip,
    render_posters_pdf,
)
from survey_app.posters.qr import ascii_stem
from survey_app.posters.texts import POSTER_TEXTS

BASE = "https://dinhke.bacgiang.gov.vn/khao-sat"
TOKEN_URL = BASE + "/t/Xq3v9Kp2LmN8rT5wYz7bCd"  # a 128-bit token in base64url, as issued
WARD = "Phường Dĩnh Kế"
GROUP = "Tổ dân phố số 7 – Đồng Quan"
MM_PER_INCH = 25.4


def poster(**changes: object) -> PosterData:
    """A realistic poster; keyword arguments override single fields."""
    fields: dict[str, object] = {
        "ward_name": WARD,
        "group_name": GROUP,
        "url": TOKEN_URL,
        "short_url": "dinhke.bacgiang.gov.vn/k/7",
        "round_label": "Đợt khảo sát năm 2025",
        "starts_on": date(2025, 10, 1),
        "ends_on": date(2025, 10, 31),
    }
    fields.update(changes)
    return PosterData(**fields)  # type: ignore[arg-type]


def render_page(pdf: bytes, index: int = 0, dpi: int = 150) -> Image.Image:
    """Rasterise one PDF page with PDFium, as a phone would see a good print."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[index]
        image = page.render(scale=dpi / 72).to_pil()
        page.close()
    finally:
        document.close()
    return image


def decode(image: Image.Image) -> list[zxingcpp.Barcode]:
    return [b for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]


def page_text(pdf: bytes, index: int = 0) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[index].extract_text()


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_extracted_text_keeps_vietnamese_diacritics(form: str) -> None:
    """Names typed in decomposed form are printed, and extract back, as precomposed NFC."""
    ward, group = (unicodedata.normalize(form, name) for name in (WARD, GROUP))
    pdf = render_posters_pdf([poster(ward_name=ward, group_name=group)], allowed_base_url=BASE)
    text = unicodedata.normalize("NFC", page_text(pdf))
    assert WARD in text
    assert GROUP in text
    assert page_text(pdf) == text  # already NFC: nothing decomposed was drawn
    for line in ("privacy", "title", "child_lead", "dates"):
        assert poster_lines(poster())[line] in text


def test_english_poster_uses_english_texts_and_iso_dates() -> None:
    pdf = render_posters_pdf([poster(locale="en", ends_on=None)], allowed_base_url=BASE)
    text = " ".join(page_text(pdf).split())
    assert POSTER_TEXTS["en"]["privacy"] in text
    assert "from 2025-10-01" in text
    assert "Không hỏi tên" not in text


def test_long_group_name_wraps_without_losing_words() -> None:
    long_name = "Tổ dân phố số 12 – Khu dân cư mới Đồng Cửa, Xương Giang và Nghĩa Long"
    pdf = render_posters_pdf([poster(group_name=long_name)], allowed_base_url=BASE)
    assert long_name in " ".join(page_text(pdf).split())
    assert [b.text for b in decode(render_page(pdf))] == [TOKEN_URL]


def test_fonts_come_from_the_repository_with_their_licence() -> None:
    fonts_dir = pdf_fonts.FONT_DIR
    assert fonts_dir.parent.name == "static"
    assert (fonts_dir / "LICENSE-DejaVu.txt").read_text().count("Bitstream Vera") >= 2
    pdf = render_posters_pdf([poster()], allowed_base_url=BASE)
    resources = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    base_fonts = {str(font.get_object()["/BaseFont"]) for font in resources.values()}
    assert all("DejaVu" in name for name in base_fonts), base_fonts  # never Helvetica


@pytest.mark.parametrize("locale", sorted(POSTER_TEXTS))
def test_every_poster_text_is_translated_and_printable(locale: str) -> None:
    assert POSTER_TEXTS[locale].keys() == POSTER_TEXTS["vi"].keys()
    for key, value in POSTER_TEXTS[locale].items():
        assert value.strip(), key
        for font in (pdf_fonts.SANS, pdf_fonts.SANS_BOLD):
            assert pdf_fonts.missing_glyphs(value, font) == set(), (key, font)


def test_fit_text_shrinks_then_cuts_with_an_ellipsis() -> None:
    fitted = pdf_fonts.fit_text(
        "Tổ " * 200, pdf_fonts.SANS, max_size=20, min_size=10, max_width=200, max_lines=2
    )
    assert fitted.size == 10 and fitted.truncated and len(fitted.lines) == 2
    assert fitted.lines[-1].endswith("…")
    assert all(pdf_fonts.text_width(line, pdf_fonts.SANS, 10) <= 200 for line in fitted.lines)


# --- the PDF ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "mm_wide", "mm_high", "min_qr_mm"),
    [
        ("A4", 210, 297, 90),
        ("A5", 148, 210, 63),
    ],
)
def test_qr_on_the_page_decodes_to_exactly_the_url(
    size: str, mm_wide: int, mm_high: int, min_qr_mm: float
) -> None:
    pdf = render_posters_pdf([poster()], page_size=size, allowed_base_url=BASE)  # type: ignore[arg-type]
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (
        round(float(box.width) / 72 * MM_PER_INCH),
        round(float(box.height) / 72 * MM_PER_INCH),
    ) == (
        mm_wide,
        mm_high,
    )
    found = decode(render_page(pdf, dpi=150))
    assert [b.text for b in found] == [TOKEN_URL]
    assert found[0].ec_level in {"Q", "H"}  # Q chosen: survives photocopies and wear
    position = found[0].position
    width_mm = (position.top_right.x - position.top_left.x) / 150 * MM_PER_INCH
    assert width_mm >= min_qr_mm  # A4: at least 9 cm of modules, as the issue asks


def test_qr_still_decodes_after_a_poor_photocopy() -> None:
    """Blur, washed-out contrast, noise, a slight skew and a smudge over some data modules."""
    pdf = render_posters_pdf([poster()], allowed_base_url=BASE)
    image = render_page(pdf, dpi=150).convert("L")
    [original] = decode(image)
    pos = original.position
    left, top, right = pos.top_left.x, pos.top_left.y, pos.top_right.x
    side = right - left
    draw = ImageDraw.Draw(image)
    # Smudge in the data area (away from the finder patterns): ~6% of the symbol.
    draw.rectangle(
        (left + side * 0.40, top + side * 0.40, left + side * 0.64, top + side * 0.64), fill=0
    )
    image = image.filter(ImageFilter.GaussianBlur(1.5)).rotate(3, fillcolor=255)
    pixels = np.asarray(image, dtype=np.float64) * 0.55 + 70  # greyish paper, weak toner
    pixels += np.random.default_rng(6).normal(0, 18, pixels.shape)
    copy = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    assert [b.text for b in decode(copy)] == [TOKEN_URL]


def test_page_is_black_and_white_only() -> None:
    pixels = np.asarray(render_page(render_posters_pdf([poster()], allowed_base_url=BASE)))
    assert (pixels[..., 0] == pixels[..., 1]).all() and (pixels[..., 1] == pixels[..., 2]).all()


def test_one_page_per_poster_and_progress_once_per_page() -> None:
    groups = [f"Tổ dân phố số {n}" for n in range(1, 6)]
    calls: list[tuple[int, int]] = []
    pdf = render_posters_pdf(
        [poster(group_name=g, url=f"{BASE}/t/token{n}") for n, g in enumerate(groups)],
        allowed_base_url=BASE,
        on_page=lambda done, total: calls.append((done, total)),
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(groups)
    assert calls == [(n, len(groups)) for n in range(1, len(groups) + 1)]
    for index, group in enumerate(groups):
        assert group in reader.pages[index].extract_text()
    assert [b.text for b in decode(render_page(pdf, index=3))] == [f"{BASE}/t/token3"]


def test_same_input_gives_the_same_bytes() -> None:
    posters = [poster(), poster(group_name="Tổ 8")]
    assert render_posters_pdf(posters, allowed_base_url=BASE) == render_posters_pdf(
        posters, allowed_base_url=BASE
    )


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        render_posters_pdf([], allowed_base_url=BASE)
    with pytest.raises(ValueError, match="A4"):
        render_posters_pdf([poster()], page_size="Letter", allowed_base_url=BASE)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="locale"):
        poster(locale="fr")
    with pytest.raises(ValueError, match="before"):
        poster(ends_on=date(2025, 9, 1))
    with pytest.raises(ValueError, match="group_name"):
        poster(group_name="  ")
    with pytest.raises(ValueError, match="short_url"):
        poster(short_url="dinhke.bacgiang.gov.vn/k/" + "7" * 60)


def test_longest_short_url_fits_on_one_line_in_a5() -> None:
    short = "dinhke.bacgiang.gov.vn/k/" + "7" * 35  # the 60-character maximum
    pdf = render_posters_pdf([poster(short_url=short)], page_size="A5", allowed_base_url=BASE)
    assert short in page_text(pdf).splitlines()


# --- the URL guard ---------------------------------------------------------------------------

OUTSIDE = [
    "https://evil.com/khao-sat/t/abc",  # other host
    "http://dinhke.bacgiang.gov.vn/khao-sat/t/abc",  # http instead of https
    "https://dinhke.bacgiang.gov.vn.evil.com/khao-sat/t/abc",  # host prefix attack
    "https://dinhke.bacgiang.gov.vn@evil.com/khao-sat/t/abc",  # userinfo: host is evil.com
    "https://user:pw@dinhke.bacgiang.gov.vn/khao-sat/t/abc",  # userinfo on our own host
    "https://dinhke.bacgiang.gov.vn/admin/users",  # path outside the prefix
    "https://dinhke.bacgiang.gov.vn/khao-satx/t/abc",  # path prefix without a "/" boundary
    "https://dinhke.bacgiang.gov.vn/khao-sat/../admin",  # dot segments
    "https://dinhke.bacgiang.gov.vn/khao-sat/%2e%2e/admin",  # encoded dot segments
    "https://dinhke.bacgiang.gov.vn:8443/khao-sat/t/abc",  # other port
    "https://evil.com#@dinhke.bacgiang.gov.vn/khao-sat/",  # fragment trick
    "https://dinhke.bacgiang.gov.vn\\@evil.com/khao-sat/t",  # backslash trick
    "//dinhke.bacgiang.gov.vn/khao-sat/t/abc",  # scheme-relative
    "javascript:alert(1)//dinhke.bacgiang.gov.vn/khao-sat/",
    "https://dinhke.bacgiang.gov.vn/khao-sat/t/a b",  # whitespace
    "https://dinhke.bacgiang.gov.vn/khao-sat/t/tổ-7",  # non-ASCII, not encoded
    "https://dinhke.bacgiang.gov.vn:99999/khao-sat/t/abc",  # invalid port
    BASE + "/t/" + "a" * 300,  # too long to print as a robust QR code
    "",
]


@pytest.mark.parametrize("url", OUTSIDE)
def test_urls_outside_the_base_are_refused_everywhere(url: str) -> None:
    calls: list[tuple[int, int]] = []
    with pytest.raises(PosterURLError):
        check_public_url(url, allowed_base_url=BASE)
    with pytest.raises(PosterURLError):
        render_posters_pdf(
            [poster(), poster(url=url)], allowed_base_url=BASE, on_page=lambda *a: calls.append(a)
        )
    assert calls == []  # checked before any page is drawn
    with pytest.raises(PosterURLError):
        qr_png(url, allowed_base_url=BASE)
    with pytest.raises(PosterURLError):
        qr_svg(url, allowed_base_url=BASE)
    with pytest.raises(PosterURLError):
        qr_zip([("Tổ 1", TOKEN_URL), ("Tổ 2", url)], allowed_base_url=BASE)


@pytest.mark.parametrize(
    ("url", "base"),
    [
        (TOKEN_URL, BASE),
        (TOKEN_URL, BASE + "/"),
        (BASE, BASE),
        ("https://DinhKe.BacGiang.gov.vn:443/khao-sat/t/x?lang=en", BASE),
        ("http://127.0.0.1:5000/s/abc", "http://127.0.0.1:5000/"),
        ("https://ward.vn/anything/at/all", "https://ward.vn"),
    ],
)
def test_urls_under_the_base_are_accepted_unchanged(url: str, base: str) -> None:
    assert check_public_url(url, allowed_base_url=base) == url


@pytest.mark.parametrize(
    "base", ["ftp://ward.vn/", "https://ward.vn/?x=1", "ward.vn/khao-sat", "https://u@ward.vn/"]
)
def test_a_misconfigured_base_url_is_reported(base: str) -> None:
    with pytest.raises(PosterURLError, match="PUBLIC_BASE_URL"):
        check_public_url("https://ward.vn/khao-sat/t/x", allowed_base_url=base)


@given(
    st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", max_size=60
    )
)
def test_any_token_under_the_base_is_accepted(token: str) -> None:
    url = f"{BASE}/t/{token}"
    assert check_public_url(url, allowed_base_url=BASE) == url


@given(st.from_regex(r"[a-z0-9]{1,12}(\.[a-z0-9]{1,12}){0,3}", fullmatch=True))
def test_any_other_host_is_refused(host: str) -> None:
    assume(host != "dinhke.bacgiang.gov.vn")
    with pytest.raises(PosterURLError):
        check_public_url(f"https://{host}/khao-sat/t/abc", allowed_base_url=BASE)
    with pytest.raises(PosterURLError):
        check_public_url(f"https://dinhke.bacgiang.gov.vn.{host}/khao-sat/", allowed_base_url=BASE)


# --- PNG, SVG, zip ---------------------------------------------------------------------------


def test_qr_png_decodes_with_a_quiet_zone() -> None:
    image = Image.open(io.BytesIO(qr_png(TOKEN_URL, allowed_base_url=BASE, box_size=8)))
    assert image.format == "PNG"
    assert [b.text for b in decode(image)] == [TOKEN_URL]
    gray = np.asarray(image.convert("L"))
    assert (gray[: 4 * 8].min(), gray[:, : 4 * 8].min()) == (255, 255)  # 4 white modules


def svg_to_image(svg: str, scale: int = 8) -> Image.Image:
    """Rasterise our SVG (a white rect and one path of "Mx,yhWv1h-Wz" runs) with Pillow."""
    root = ElementTree.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    _, _, width, height = (int(v) for v in root.attrib["viewBox"].split())
    image = Image.new("L", (width * scale, height * scale), 255)
    draw = ImageDraw.Draw(image)
    path = root.find("svg:path", ns)
    assert path is not None
    for x, y, w, back in re.findall(r"M(\d+),(\d+)h(\d+)v1h-(\d+)z", path.attrib["d"]):
        assert w == back
        x0, y0 = int(x) * scale, int(y) * scale
        draw.rectangle((x0, y0, x0 + int(w) * scale - 1, y0 + scale - 1), fill=0)
    return image


def test_qr_svg_is_well_formed_square_and_decodes() -> None:
    url = TOKEN_URL + "?a=1&b='2'"  # characters that must be escaped in XML
    svg = qr_svg(url, allowed_base_url=BASE)
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    x, y, width, height = (int(v) for v in root.attrib["viewBox"].split())
    assert (x, y) == (0, 0) and width == height >= 21 + 8
    assert root.findtext("{http://www.w3.org/2000/svg}title") == url
    assert [b.text for b in decode(svg_to_image(svg))] == [url]


def test_qr_zip_has_a_png_and_an_svg_per_group_with_unique_ascii_names() -> None:
    names = [GROUP, "Tổ dân phố số 7 - Đồng Quan", "Tổ dân phố số 8 – Đông Hưng", "***"]
    items = [(name, f"{BASE}/t/token{n}") for n, name in enumerate(names)]
    archive = zipfile.ZipFile(io.BytesIO(qr_zip(items, allowed_base_url=BASE)))
    files = archive.namelist()
    assert files == [
        "to-dan-pho-so-7-dong-quan.png",
        "to-dan-pho-so-7-dong-quan.svg",
        "to-dan-pho-so-7-dong-quan-2.png",
        "to-dan-pho-so-7-dong-quan-2.svg",
        "to-dan-pho-so-8-dong-hung.png",
        "to-dan-pho-so-8-dong-hung.svg",
        "group.png",
        "group.svg",
    ]
    assert archive.testzip() is None
    for n, stem in enumerate(name.removesuffix(".png") for name in files[::2]):
        image = Image.open(io.BytesIO(archive.read(f"{stem}.png")))
        assert [b.text for b in decode(image)] == [items[n][1]]
        assert ElementTree.fromstring(archive.read(f"{stem}.svg")).tag.endswith("svg")


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("Tổ dân phố số 7 – Đồng Quan", "to-dan-pho-so-7-dong-quan"),
        ("ĐỒNG CỬA", "dong-cua"),
        ("Khu 5 (Nghĩa Long)/Xương Giang", "khu-5-nghia-long-xuong-giang"),
        (unicodedata.normalize("NFD", "Tổ Ưng Hòa"), "to-ung-hoa"),
        ("", "group"),
    ],
)
def test_ascii_stem_examples(name: str, stem: str) -> None:
    assert ascii_stem(name) == stem


@given(st.text(max_size=120))
def test_ascii_stem_is_always_a_safe_file_name(name: str) -> None:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", ascii_stem(name))
    assert len(ascii_stem(name)) <= 60
