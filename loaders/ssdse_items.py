"""English names and units for SSDSE items.

The SSDSE files give item codes and Japanese names but no units. Units here follow the 社会・人口統計体系
(SSDS) item definitions the codes refer to, and were checked against magnitudes in the files (e.g.
B1101 東京都 = 219,405 → hectares; D3201 札幌市 = 1,227,839,677 → thousand yen). Sex breakdowns
(codes ending 01/02 whose name ends （男）/（女）) and industry breakdowns are named by rule.
"""

from __future__ import annotations

# code: (English name, unit as the source counts it, English unit)
ITEMS: dict[str, tuple[str, str, str]] = {
    "A1101": ("Total population", "人", "persons"),
    "A1102": ("Japanese population", "人", "persons"),
    "A1301": ("Population under 15", "人", "persons"),
    "A1302": ("Population aged 15-64", "人", "persons"),
    "A1303": ("Population aged 65 and over", "人", "persons"),
    "A1419": ("Population aged 75 and over", "人", "persons"),
    "A1700": ("Foreign population", "人", "persons"),
    "A4101": ("Live births", "人", "persons"),
    "A4103": ("Total fertility rate", "", ""),
    "A4200": ("Deaths", "人", "persons"),
    "A5101": ("In-migrants (Japanese)", "人", "persons"),
    "A5102": ("Out-migrants (Japanese)", "人", "persons"),
    "A7101": ("Households", "世帯", "households"),
    "A710101": ("Private households", "世帯", "households"),
    "A710201": ("Members of private households", "人", "persons"),
    "A810102": ("Nuclear-family households", "世帯", "households"),
    "A810105": ("One-person households", "世帯", "households"),
    "A811102": ("Nuclear-family households with a member aged 65+", "世帯", "households"),
    "A8201": ("Households of an elderly couple only (husband 65+, wife 60+)", "世帯", "households"),
    "A8301": ("One-person households aged 65+", "世帯", "households"),
    "A9101": ("Marriages", "組", "couples"),
    "A9201": ("Divorces", "組", "couples"),
    "B1101": ("Total area (excl. Northern Territories and Takeshima)", "ha", "ha"),
    "B1103": ("Inhabitable area", "ha", "ha"),
    "B2101": ("Natural park area", "ha", "ha"),
    "B4101": ("Annual mean temperature", "℃", "°C"),
    "B4102": ("Highest temperature (max of monthly mean daily max)", "℃", "°C"),
    "B4103": ("Lowest temperature (min of monthly mean daily min)", "℃", "°C"),
    "B4106": ("Days with precipitation (annual)", "日", "days"),
    "B4109": ("Precipitation (annual)", "mm", "mm"),
    "C1111": ("Gross prefectural product (2011 base)", "百万円", "million yen"),
    "C1121": ("Gross prefectural product (2015 base)", "百万円", "million yen"),
    "C1211": ("Prefectural income (2011 base)", "百万円", "million yen"),
    "C121101": ("Prefectural income per person (2011 base)", "千円", "thousand yen"),
    "C1221": ("Prefectural income (2015 base)", "百万円", "million yen"),
    "C122101": ("Prefectural income per person (2015 base)", "千円", "thousand yen"),
    "C2108": ("Establishments (private)", "事業所", "establishments"),
    "C2208": ("Employees (private establishments)", "人", "persons"),
    "C310201": ("Farm households (commercial)", "戸", "households"),
    "C310202": ("Farm households (self-sufficient)", "戸", "households"),
    "C3107": ("Cultivated land area", "ha", "ha"),
    "C3301": ("Buildings started", "棟", "buildings"),
    "C3302": ("Floor area of buildings started", "㎡", "m²"),
    "C3801": ("Hotels and inns", "施設", "facilities"),
    "C3802": ("Guest rooms of hotels and inns", "室", "rooms"),
    "C5401": ("Standard land price, residential (average)", "円/㎡", "yen/m²"),
    "C5403": ("Standard land price, commercial (average)", "円/㎡", "yen/m²"),
    "D1202": ("General administration staff (municipalities)", "人", "persons"),
    "D2203": ("Current balance ratio (municipal finance)", "%", "%"),
    "D2211": ("Real debt service ratio (municipal finance)", "%", "%"),
    "D3201": ("Total revenue (municipal finance)", "千円", "thousand yen"),
    "D320101": ("Local taxes (municipal finance)", "千円", "thousand yen"),
    "D3203": ("Total expenditure (municipal finance)", "千円", "thousand yen"),
    "D320303": ("Welfare expenditure (municipal finance)", "千円", "thousand yen"),
    "D320308": ("Civil engineering expenditure (municipal finance)", "千円", "thousand yen"),
    "D320310": ("Education expenditure (municipal finance)", "千円", "thousand yen"),
    "D320311": ("Disaster recovery expenditure (municipal finance)", "千円", "thousand yen"),
    "E1101": ("Kindergartens", "園", "kindergartens"),
    "E1301": ("Kindergarten teachers", "人", "persons"),
    "E1501": ("Kindergarten pupils", "人", "persons"),
    "E2101": ("Elementary schools", "校", "schools"),
    "E2401": ("Elementary school teachers", "人", "persons"),
    "E2501": ("Elementary school pupils", "人", "persons"),
    "E3101": ("Lower secondary schools", "校", "schools"),
    "E3401": ("Lower secondary school teachers", "人", "persons"),
    "E3501": ("Lower secondary school students", "人", "persons"),
    "E3701": ("Lower secondary school graduates", "人", "persons"),
    "E3702": ("Lower secondary graduates going on to further education", "人", "persons"),
    "E3901": ("Compulsory education schools", "校", "schools"),
    "E3904": ("Compulsory education school teachers", "人", "persons"),
    "E3905": ("Compulsory education schools, primary-course pupils", "人", "persons"),
    "E3906": ("Compulsory education schools, secondary-course students", "人", "persons"),
    "E4101": ("Upper secondary schools", "校", "schools"),
    "E4401": ("Upper secondary school teachers", "人", "persons"),
    "E4501": ("Upper secondary school students", "人", "persons"),
    "E4601": ("Upper secondary school graduates", "人", "persons"),
    "E4602": ("Upper secondary graduates going on to further education", "人", "persons"),
    "E6101": ("Junior colleges", "校", "schools"),
    "E6102": ("Universities", "校", "schools"),
    "E6201": ("Junior college teachers", "人", "persons"),
    "E6202": ("University teachers", "人", "persons"),
    "E6301": ("Junior college students", "人", "persons"),
    "E6302": ("University students (undergraduate)", "人", "persons"),
    "E6501": ("Junior college graduates", "人", "persons"),
    "E650110": ("Junior college graduates going on to further education", "人", "persons"),
    "E6502": ("University graduates", "人", "persons"),
    "E650210": ("University graduates going on to further education", "人", "persons"),
    "E7101": ("Specialised training colleges", "校", "schools"),
    "E7102": ("Miscellaneous schools", "校", "schools"),
    "E7201": ("Specialised training college students", "人", "persons"),
    "E7202": ("Miscellaneous school students", "人", "persons"),
    "F1102": ("Employed persons", "人", "persons"),
    "F1107": ("Unemployed persons", "人", "persons"),
    "F1108": ("Persons not in the labour force", "人", "persons"),
    "F2201": ("Employed in primary industry", "人", "persons"),
    "F2211": ("Employed in secondary industry", "人", "persons"),
    "F2221": ("Employed in tertiary industry", "人", "persons"),
    "F3101": ("New job applications (general)", "件", "cases"),
    "F3102": ("Active job seekers (general), annual sum of monthly counts", "人", "persons"),
    "F3103": ("Active job openings (general), annual sum of monthly counts", "人", "persons"),
    "F3104": ("Openings filled (general)", "件", "cases"),
    "F3105": ("Placements (general)", "件", "cases"),
    "G1201": ("Community halls (kominkan)", "館", "facilities"),
    "G1401": ("Libraries", "館", "facilities"),
    "G1501": ("Museums", "館", "facilities"),
    "G1604": ("Theatres and concert halls", "施設", "facilities"),
    "G3102": ("Public sports facilities", "施設", "facilities"),
    "G3201": ("Private sports facilities", "施設", "facilities"),
    "G5101v2": ("Cinemas", "館", "facilities"),
    "G5104v2": ("Theatres and concert halls", "施設", "facilities"),
    "G5105": ("Passports issued", "件", "cases"),
    "G7101": ("Guest nights", "人泊", "guest nights"),
    "G7102": ("Guest nights of foreign visitors", "人泊", "guest nights"),
    "H1100": ("Dwellings", "戸", "dwellings"),
    "H110202": ("Vacant dwellings", "戸", "dwellings"),
    "H1310": ("Owner-occupied dwellings", "戸", "dwellings"),
    "H1401": ("Detached houses", "戸", "dwellings"),
    "H1800": ("New dwellings started", "戸", "dwellings"),
    "H1801": ("New owner-occupied dwellings started", "戸", "dwellings"),
    "H1802": ("New rental dwellings started", "戸", "dwellings"),
    "H1803": ("New dwellings for sale started", "戸", "dwellings"),
    "H2130": ("Floor area per dwelling", "㎡", "m²"),
    "H2600": ("Floor area of new dwellings started", "㎡", "m²"),
    "H2601": ("Floor area of new owner-occupied dwellings started", "㎡", "m²"),
    "H2602": ("Floor area of new dwellings for sale started", "㎡", "m²"),
    "H2603": ("Floor area of new rental dwellings started", "㎡", "m²"),
    "H5507": ("Total population of the sanitation survey (flush + non-flush toilets)", "人", "persons"),
    "H550701": ("Population without flush toilets", "人", "persons"),
    "H5609": ("Municipal waste generated", "t", "t"),
    "H5610": ("Waste generated per person per day", "g", "g"),
    "H5614": ("Waste recycling rate", "%", "%"),
    "H6130": ("Retail stores", "店", "stores"),
    "H6131": ("Eating and drinking places", "店", "stores"),
    "H6132": ("Large retail stores", "店", "stores"),
    "I510120": ("General hospitals", "施設", "facilities"),
    "I5102": ("General clinics", "施設", "facilities"),
    "I5103": ("Dental clinics", "施設", "facilities"),
    "I6100": ("Physicians", "人", "persons"),
    "I6200": ("Dentists", "人", "persons"),
    "I6300": ("Pharmacists", "人", "persons"),
    "J2503": ("Day-care centres", "所", "centres"),
    "J250302": ("Day-care centres (basic survey)", "所", "centres"),
    "J2505": ("Day-care centre capacity", "人", "persons"),
    "J250502": ("Children waiting for day care", "人", "persons"),
    "J2506": ("Children in day-care centres", "人", "persons"),
    "J2526": ("Day-care centre nursery teachers", "人", "persons"),
    "L3221": ("Consumption expenditure (capital city, 2+ person households, monthly)", "円", "yen"),
    "L322101": ("Food (capital city, 2+ person households, monthly)", "円", "yen"),
    "L322102": ("Housing (capital city, 2+ person households, monthly)", "円", "yen"),
    "L322103": ("Fuel, light and water (capital city, 2+ person households, monthly)", "円", "yen"),
    "L322104": ("Furniture and household items (capital city, 2+ person households, monthly)", "円", "yen"),
    "L322105": ("Clothing and footwear (capital city, 2+ person households, monthly)", "円", "yen"),
    "L322106": ("Medical care (capital city, 2+ person households, monthly)", "円", "yen"),
    "L322107": ("Transport and communication (capital city, 2+ person households, monthly)", "円", "yen"),
    "L322108": ("Education (capital city, 2+ person households, monthly)", "円", "yen"),
    "L322109": ("Culture and recreation (capital city, 2+ person households, monthly)", "円", "yen"),
    "L322110": ("Other consumption (capital city, 2+ person households, monthly)", "円", "yen"),
}

# JSIC (日本標準産業分類) major groups as SSDSE codes them in C2108xx / C2208xx.
# suffix: (JSIC letter, name as SSDSE writes it, English name)
CENSUS_INDUSTRIES: dict[str, tuple[str, str, str]] = {
    "32": ("A", "農業、林業", "Agriculture and forestry"),
    "33": ("B", "漁業", "Fisheries"),
    "35": ("C", "鉱業、採石業、砂利採取業", "Mining and quarrying"),
    "36": ("D", "建設業", "Construction"),
    "37": ("E", "製造業", "Manufacturing"),
    "38": ("F", "電気・ガス・熱供給・水道業", "Electricity, gas, heat supply and water"),
    "39": ("G", "情報通信業", "Information and communications"),
    "40": ("H", "運輸業、郵便業", "Transport and postal activities"),
    "41": ("I", "卸売業、小売業", "Wholesale and retail trade"),
    "44": ("J", "金融業、保険業", "Finance and insurance"),
    "45": ("K", "不動産業、物品賃貸業", "Real estate and goods rental and leasing"),
    "46": ("L", "学術研究、専門・技術サービス業", "Scientific research, professional and technical services"),
    "47": ("M", "宿泊業、飲食サービス業", "Accommodation, eating and drinking services"),
    "48": ("N", "生活関連サービス業、娯楽業", "Living-related and personal services and amusement"),
    "49": ("O", "教育、学習支援業", "Education, learning support"),
    "50": ("P", "医療、福祉", "Medical, health care and welfare"),
    "51": ("Q", "複合サービス事業", "Compound services"),
    "52": ("R", "サービス業（他に分類されないもの）", "Services, n.e.c."),
}

_SEX = {"01": ("（男）", " (male)"), "02": ("（女）", " (female)")}
_SEX_PARENT_LENGTHS = (5,)


def describe_item(code: str, name_ja: str) -> tuple[str, str, str]:
    """English name, unit and English unit for an SSDSE item code.

    Raises KeyError for a code this table does not know, so a new SSDSE edition with new items
    fails the build loudly instead of shipping an indicator without a unit.
    """
    if code in ITEMS:
        return ITEMS[code]
    for prefix in ("C2108", "C2208"):
        suffix = code[len(prefix):]
        if code.startswith(prefix) and suffix in CENSUS_INDUSTRIES:
            base_en, unit, unit_en = ITEMS[prefix]
            return f"{base_en}: {CENSUS_INDUSTRIES[suffix][2]}", unit, unit_en
    base, tail = code[:-2], code[-2:]
    if tail in _SEX and base in ITEMS and name_ja.endswith(_SEX[tail][0]):
        base_en, unit, unit_en = ITEMS[base]
        return base_en + _SEX[tail][1], unit, unit_en
    raise KeyError(f"no English name or unit known for SSDSE item {code} ({name_ja})")


# Group values of a ratio are Σ numerator / Σ denominator of the same year (never a mean of
# ratios). code: (numerator item, denominator item or "implied", scale). "implied" means the
# official denominator is not in the files, so each region's is recovered as numerator × scale /
# value (H5610: waste in t × 10⁶ / g per person-day = person-days), which pools exactly as the
# publisher does up to the rounding of the published ratio.
RATIO_COMPONENTS: dict[str, tuple[str, str, float]] = {
    "C121101": ("C1211", "A1101", 1000.0),   # 県民所得 (百万円) / 総人口 → 千円 per person
    "C122101": ("C1221", "A1101", 1000.0),
    "H5610": ("H5609", "implied", 1_000_000.0),
}

# Two bases of the same figure: the older base is kept for its years but never shown beside the
# newer one as a second finding (県民経済計算 平成23年基準 → 平成27年基準).
SUPERSEDED_BY: dict[str, str] = {"C121101": "C122101", "C1111": "C1121", "C1211": "C1221"}

# What the SSDSE item name does not say and a reader must know; added to the name (ja, en) or to
# the definition.
NAME_NOTES: dict[str, tuple[str, str]] = {
    "F3102": ("（年度の月間値の合計）", ""),
    "F3103": ("（年度の月間値の合計）", ""),
    "E6302": ("（学部）", ""),
}
DEFINITION_NOTES: dict[str, tuple[str, str]] = {
    "F3102": ("年度中の各月の月間有効求職者数の合計（延べ人数）。1か月当たりの人数ではない",
              "Sum over the fiscal year of each month's active job seekers (person-months), not a monthly figure"),
    "F3103": ("年度中の各月の月間有効求人数の合計（延べ人数）。1か月当たりの人数ではない",
              "Sum over the fiscal year of each month's active job openings (person-months), not a monthly figure"),
    "H5507": ("水洗化人口と非水洗化人口の合計（一般廃棄物処理実態調査の総人口）",
              "Flush-toilet plus non-flush population: the total population of the waste-management survey"),
    "E6302": ("学校基本調査の大学の学部学生数。大学院生を含まない（全国 2,632,216 人＝2022年の学部学生数）",
              "Undergraduates of the School Basic Survey; graduate students are not included (Japan 2,632,216 = "
              "2022 undergraduates)"),
    "H5610": ("ごみ総排出量 ÷ 総人口 ÷ 年間日数。地域グループの値は排出量の合計 ÷ 人・日の合計",
              "Waste generated / population / days in the year; group values are total waste / total person-days"),
}
CAPITAL_CITY_NOTE = ("家計調査の県庁所在市の値で、都道府県全体の値ではない",
                     "Family Income and Expenditure Survey value of the prefectural capital city, not of the whole "
                     "prefecture")


def name_ja_of(code: str, name_ja: str) -> str:
    """The SSDSE name with what it leaves out: 県庁所在市 for household-survey items, notes above."""
    if code.startswith("L"):
        return name_ja.replace("（二人以上の世帯）", "（二人以上の世帯、県庁所在市）")
    return name_ja + NAME_NOTES.get(code, ("", ""))[0]


def definition_notes(code: str) -> tuple[str, str]:
    if code.startswith("L"):
        return CAPITAL_CITY_NOTE
    return DEFINITION_NOTES.get(code, ("", ""))


# Items whose better direction is not a matter of opinion for a regional comparison; every other
# source item is neutral (ranked largest-first, never called a strength or weakness).
DIRECTIONS: dict[str, bool] = {
    "C121101": True, "C122101": True,   # income per person
    "A4103": True,                      # total fertility rate
    "H5614": True,                      # recycling rate
    "H5610": False,                     # waste per person per day
    "D2203": False,                     # current balance ratio: lower leaves more room in the budget
    "D2211": False,                     # real debt service ratio
}

# Units of counts and amounts that add up across regions; per-person and per-dwelling items excepted.
ADDITIVE_UNITS = frozenset({"人", "世帯", "組", "事業所", "戸", "棟", "施設", "室", "園", "校", "館", "店", "所", "件",
                            "人泊", "ha", "㎡", "t", "百万円", "千円"})
NOT_ADDITIVE = frozenset({"C121101", "C122101", "H2130"})


def is_additive(code: str, unit: str) -> bool:
    return unit in ADDITIVE_UNITS and code not in NOT_ADDITIVE


THEMES: dict[str, tuple[str, str]] = {
    "A": ("人口・世帯", "Population and households"),
    "B": ("自然環境", "Land and climate"),
    "C": ("経済基盤", "Economy"),
    "D": ("行政基盤", "Local government"),
    "E": ("教育", "Education"),
    "F": ("労働", "Labour"),
    "G": ("文化・スポーツ", "Culture and sport"),
    "H": ("居住", "Housing and living environment"),
    "I": ("健康・医療", "Health and medical care"),
    "J": ("福祉・社会保障", "Welfare"),
    "L": ("家計", "Household budgets"),
    "industry": ("産業構造", "Industry structure"),
    "innovation": ("イノベーション", "Innovation"),
}


def theme_of(code: str) -> str:
    """SSDS field letter of an item code, with establishment/employee items under industry."""
    if code.startswith(("C2108", "C2208")):
        return "industry"
    return code[0]
