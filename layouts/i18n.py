"""Interface strings in Japanese (default) and English. Indicator and region names come from the catalog."""

from __future__ import annotations

LANGS = ("ja", "en")

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("地域経済ダッシュボード", "Regional economy dashboard"),
    "nav_start": ("スタート", "Start"),
    "nav_map": ("地図", "Map"),
    "nav_profile": ("地域カルテ", "Region profile"),
    "nav_compare": ("比較", "Compare"),
    "nav_industry": ("産業", "Industry"),
    "nav_index": ("イノベーション指数", "Innovation index"),
    "nav_data": ("データと出典", "Data and sources"),
    "nav_api": ("API", "API"),
    "api_link": ("このデータをAPIで", "This data through the API"),
    "dataset": ("データ", "Dataset"),
    "switch_lang": ("English", "日本語"),
    "indicator": ("指標", "Indicator"),
    "year": ("年", "Year"),
    "level": ("地域の単位", "Regions"),
    "level_prefecture": ("都道府県", "Prefectures"),
    "level_municipality": ("市区町村", "Municipalities"),
    "prefecture_filter": ("都道府県で絞り込み（市区町村）", "Limit municipalities to a prefecture"),
    "whole_country": ("全国", "Whole country"),
    "normalisation": ("表示する値", "Show as"),
    "norm_none": ("そのままの値", "Value as published"),
    "norm_per_1000": ("人口千人当たり", "Per 1,000 people"),
    "norm_per_km2": ("面積1km²当たり", "Per km²"),
    "norm_share": ("全国に占める割合", "Share of Japan"),
    "norm_relative": ("全国=100", "Japan = 100"),
    "norm_deviation": ("偏差値", "Deviation score"),
    "classification": ("階級区分", "Classes"),
    "cls_quantile": ("分位数", "Quantiles"),
    "cls_equal": ("等間隔", "Equal intervals"),
    "cls_jenks": ("自然分類（Jenks）", "Natural breaks (Jenks)"),
    "cls_fixed": ("指定した区切り", "Fixed breaks"),
    "classes": ("階級の数", "Number of classes"),
    "fixed_breaks": ("区切り（カンマ区切り）", "Breaks (comma-separated)"),
    "palette": ("配色", "Colours"),
    "rank": ("順位", "Rank"),
    "national": ("全国", "Japan"),
    "median_municipality": ("市区町村の中央値", "Median municipality"),
    "value": ("値", "Value"),
    "region": ("地域", "Region"),
    "ranking": ("ランキング", "Ranking"),
    "table": ("表", "Table"),
    "no_data": ("データなし", "no data"),
    "not_loaded": ("未読込", "not loaded"),
    "not_loaded_msg": ("この指標のデータはまだ取り込まれていません（出典: {source}）。"
                       "管理者が公式ファイルを取り込むと表示されます。",
                       "The figures for this indicator have not been loaded yet (source: {source}). They appear "
                       "once an administrator imports the official file."),
    "admin_help": ("管理者向け: 取り込み方法", "For administrators: how to load it"),
    "see_data_page": ("「データと出典」へ", "see Data and sources"),
    "source": ("出典", "Source"),
    "download_png": ("PNG", "PNG"),
    "download_svg": ("SVG", "SVG"),
    "download_csv": ("CSV", "CSV"),
    "download_xlsx": ("Excel", "Excel"),
    "export": ("書き出し", "Export"),
    "open_profile": ("地域カルテを開く", "Open region profile"),
    "present": ("プレゼンテーション", "Present"),
    "present_exit": ("終了", "Exit"),
    "pin_view": ("この表示を追加", "Pin this view"),
    "tour": ("ツアー", "Tour"),
    "copy_link": ("この表示へのリンク", "Link to this view"),
    "notice_fallback": ("URLの一部を読めなかったため既定値を使いました: ",
                        "Part of the link could not be used, so defaults were used instead: "),
    "data_date": ("データの最新年", "Latest reference year"),
    "pick_prefecture": ("都道府県を選ぶ", "Choose a prefecture"),
    "q_strengths": ("わがまちの強みは？", "What is my prefecture strong in?"),
    "q_neighbours": ("近隣や大都市圏と比べると？",
                     "How do we compare with our neighbours and the metropolitan areas?"),
    "q_innovation": ("イノベーションはどこに集まっている？", "Where is innovation concentrated?"),
    "q_industries": ("どの産業に特化している？", "Which industries is this region specialised in?"),
    "headline": ("主な指標", "Headline figures"),
    "findings": ("読み取れること", "Findings"),
    "profile_chart": ("全国・ブロック・圏域との比較（偏差値）",
                      "Against Japan, the block and the group (deviation scores)"),
    "industries": ("産業の特化（従業者）", "Industry specialisation (employees)"),
    "timeseries": ("推移", "Over time"),
    "peers": ("似ている都道府県", "Similar prefectures"),
    "similar_on": ("似ている点", "Similar on"),
    "different_on": ("違う点", "Different on"),
    "regions": ("地域（複数選択）", "Regions (choose several)"),
    "x_indicator": ("横軸の指標", "Indicator on x"),
    "y_indicator": ("縦軸の指標", "Indicator on y"),
    "measure": ("指標の種類", "Measure"),
    "measure_employees": ("従業者数", "Employees"),
    "measure_establishments": ("事業所数", "Establishments"),
    "measure_value_added": ("付加価値額", "Value added"),
    "sort_by": ("並べ替え（産業）", "Sort by industry"),
    "industry": ("産業", "Industry"),
    "index_indicators": ("指数に含める指標", "Indicators in the index"),
    "weights": ("重み", "Weights"),
    "group": ("グループ", "Group"),
    "rank_band": ("順位の幅（1指標を除いた場合）", "Rank band (leaving one indicator out)"),
    "upload": ("公式ファイルを取り込む", "Import an official file"),
    "upload_kind": ("ファイルの種類", "Kind of file"),
    "upload_drop": ("ここにファイルをドロップ、またはクリックして選択", "Drop a file here or click to choose"),
    "downloads": ("ダウンロード", "Downloads"),
    # Innovation index page
    "index_title_proxies": ("{base} — 代理指標による合成（{count}）", "{base} — composite of proxies ({count})"),
    "index_title_study": ("{base}（{count}）", "{base} ({count})"),
    "index_japan_100": ("全国=100", "Japan = 100"),
    "index_k_of_n": ("研究の{n}指標のうち{k}指標を読み込み済み", "{k} of {n} study indicators loaded"),
    "index_about": ("この指数の中身", "What this index is made of"),
    "index_study_head": ("地域イノベーション研究の{n}指標（うち{k}指標を読み込み済み）",
                   "The regional-innovation study's {n} indicators ({k} loaded)"),
    "index_loaded": ("読み込み済み・指数に使用", "loaded, in the index"),
    "index_not_in_index": ("指数に未使用", "not in the index"),
    "index_proxy_head": ("代理指標（研究の指標の代わりに使っている指標）",
                   "Proxies (used in place of the study's indicators)"),
    "index_other_head": ("研究の指標でも代理指標でもない指標",
                   "Indicators that are neither study indicators nor proxies"),
    "index_other_link": ("研究との対応づけはない。利用者が選んだ指標。",
                   "No link to the study is claimed: chosen by the user."),
    "index_tie": ("同順位の理由", "Why tied"),
    "index_sep": ("、", ", "),
    "index_source": ("方法: 地域イノベーション・スコアボード（RIS）の手順に準拠。出典は各指標（データと出典を参照）",
               "Method: Regional Innovation Scoreboard steps. Sources: see each indicator on Data and sources"),
    "index_tie_capped": ("{others}と同順位 — 外れ値の補正で{k}指標の値が同じ（注記を参照）",
                   "tied with {others}: outlier capping made {k} indicator(s) equal (see the notes)"),
    "index_tie_same": ("{others}と同順位 — 全指標で同じ得点", "tied with {others}: the same score on every indicator"),
    "index_tie_equal": ("{others}と同順位 — 得点は異なるが平均が一致",
                  "tied with {others}: different scores, the same average"),
    "index_used": ("指数に含めた指標: ", "Indicators in the index: "),
    "index_sqrt": ("平方根変換（歪度 g1 > 1）: ", "Square-root transformed (skewness g1 > 1): "),
    "index_capped": ("外れ値を補正（平均±2標準偏差の外を外れ値でない最大・最小の値に）: ",
               "Outliers capped (beyond mean ± 2 sd, set to the largest/smallest non-outlier value): "),
    "index_national": ("全国=100 は各指標の全国値（公表値、なければ47都道府県の分子の合計÷分母の合計）を"
                       "同じ手順で得点化したものに対する比。",
                 "Japan = 100 is relative to each indicator's national value (the published figure, or "
                 "Σ numerators ÷ Σ denominators of the 47 prefectures) scored through the same steps."),

    "group_ratio": ("地域グループの値: 構成都道府県の分子の合計 ÷ 分母の合計",
                    "Group values: Σ numerators / Σ denominators of the member prefectures"),
    "group_mean": ("地域グループの値: 構成都道府県の単純平均（加重なし）",
                   "Group values: unweighted mean of the member prefectures"),
    "group_mean_suffix": ("（単純平均）", " (unweighted mean)"),
}


def t(key: str, lang: str, **fmt) -> str:
    """The string for ``key`` in ``lang`` (Japanese when the language is unknown), with ``fmt`` filled in.

    >>> t("index_k_of_n", "en", k=1, n=6)
    '1 of 6 study indicators loaded'
    """
    ja, en = STRINGS[key]
    text = en if lang == "en" else ja
    return text.format(**fmt) if fmt else text


def name(row: dict, lang: str, base: str = "name") -> str:
    """``name_en`` in English when it exists, else ``name_ja``."""
    if lang == "en":
        en = row.get(f"{base}_en")
        if isinstance(en, str) and en:
            return en
    return str(row.get(f"{base}_ja", ""))
