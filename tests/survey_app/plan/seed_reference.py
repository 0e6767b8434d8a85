"""What the seed plan (shared/reference/ward-plan-2024.md) prints: its headings and, in V.2,
every unit–criterion assignment. The printed plan is checked against these."""

SEED_HEADINGS = (
    "KẾ HOẠCH",
    "I. MỤC TIÊU",
    "II. ĐỐI TƯỢNG, PHẠM VI VÀ THỜI GIAN THỰC HIỆN",
    "III. NỘI DUNG",
    "IV. GIẢI PHÁP THỰC HIỆN",
    "V. TỔ CHỨC THỰC HIỆN",
    "2. Phân công trách nhiệm",
    "Nơi nhận:",
    "TM. ỦY BAN NHÂN DÂN",
)
# Every unit–criterion assignment of the seed plan (shared/reference/ward-plan-2024.md, V.2).
SEED_ASSIGNMENTS = (
    "tiêu chí số 1, 5, 6, 12, 13",
    "tiêu chí số 3, 4",
    "tiêu chí số 7, 8, 9",
    "tiêu chí số 10",
    "Phối hợp thực hiện tiêu chí số 11",
    "tiêu chí số 2",
    "tiêu chí số 11",
)
