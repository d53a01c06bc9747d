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
    # Copy link and the list of pinned views (assets/app.js reads these through browser_strings()).
    "copy_link": ("リンクをコピー", "Copy link"),
    "link_copied": ("リンクをコピーしました", "Link copied"),
    "copy_failed": ("コピーできませんでした。次のリンクを選んでコピーしてください:",
                    "Could not copy. Select this link and copy it:"),
    "tour_views": ("ツアーの表示", "Tour views"),
    "tour_builtin": ("追加した表示はありません。プレゼンテーションでは全ページを順に表示します。",
                     "No pinned views: presentation steps through every page."),
    "tour_up": ("上へ", "Move up"),
    "tour_down": ("下へ", "Move down"),
    "tour_remove": ("削除", "Remove"),
    "tour_clear": ("すべて削除", "Remove all"),
    # Every chart's data as a table (assets/app.js builds it from the drawn figure).
    "chart_data": ("グラフのデータ（表）", "Chart data (table)"),
    "chart_item": ("項目", "Item"),
    "chart_value": ("値", "Value"),
    "strength": ("強み", "Strength"),
    # Industry page: LQ change between the two economic censuses.
    "lq_change_head": ("特化係数の変化（{y0}→{y1}年）: {industry}",
                       "Change in location quotient ({y0}→{y1}): {industry}"),
    "lq_change_caveat": ("{y0}年と{y1}年の経済センサス‐活動調査の比較です。調査の範囲や産業分類の適用が"
                         "両年で同じとは限らないため、変化は目安として読んでください（各回の「利用上の注意」参照）。"
                         "市区町村の産業データは{y1}年のみのため、変化は都道府県だけです。",
                         "Compares the {y0} and {y1} Economic Census for Business Activity. Coverage and the way the "
                         "industry classification is applied may differ between the two, so read the change as an "
                         "indication (see each census's notes on use). Municipal industry data is {y1} only, so the "
                         "change is for prefectures."),
    "lq_from": ("特化係数 {y}年", "LQ {y}"),
    "lq_to": ("特化係数 {y}年", "LQ {y}"),
    "lq_diff": ("変化（差）", "Change"),
    "count_to": ("{measure} {y}年", "{measure} {y}"),
    "growth_pct": ("増減率（%）", "Growth (%)"),
    "lq_change_none": ("経済センサス2回分の変化は、従業者数と事業所数の特化係数について示します。",
                       "The change between two economic censuses is shown for employees and establishments."),
    # Tables shown a page at a time (layouts/common.data_table).
    "table_rows": ("{total:,}件中 {first:,}〜{last:,}件", "Rows {first:,}–{last:,} of {total:,}"),
    "table_prev": ("← 前へ", "← Previous"),
    "table_next": ("次へ →", "Next →"),
    "tour": ("ツアー", "Tour"),
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

    # Municipal profile (市区町村カルテ, issue 13).
    "pick_region": ("都道府県・市区町村を選ぶ（名前で検索）", "Choose a prefecture or municipality (type to search)"),
    "muni_whole_prefecture": ("（県全体）", " (whole prefecture)"),
    "muni_peer_type": ("類似団体", "Peer group (MIC's type of similar municipalities)"),
    "muni_peer_reason": ("分類の理由", "Why this type"),
    "muni_compare_peers": ("類似団体と比べる（{n}団体）", "Compare with {n} peer municipalities"),
    "muni_no_peer": ("この市区町村は類似団体に分類されていません。", "This municipality has no peer type."),
    "muni_population": ("人口構成", "Population structure"),
    "muni_industry": ("産業構造（特化係数）", "Industry structure (location quotients)"),
    "muni_finance": ("財政（類似団体との比較）", "Finance against peer municipalities"),
    "muni_changes": ("2時点の変化（データに2年分ある指標）", "Change between two years (indicators with two years)"),
    "muni_rank_pref": ("県内", "In prefecture"),
    "muni_rank_nation": ("全国", "In Japan"),
    "muni_rank_peer": ("類似団体", "Among peers"),
    "muni_peer_median": ("類似団体の中央値", "Peer median"),
    "muni_group": ("年齢", "Age"),
    "muni_count": ("人数", "Persons"),
    "muni_share": ("割合（%）", "Share (%)"),
    "muni_pref_share": ("県（%）", "Prefecture (%)"),
    "muni_nation_share": ("全国（%）", "Japan (%)"),
    "muni_industry_col": ("産業", "Industry"),
    "muni_employees": ("従業者数", "Employees"),
    "muni_establishments": ("事業所数", "Establishments"),
    "muni_lq_nation": ("特化係数（全国=1）", "LQ (Japan = 1)"),
    "muni_lq_pref": ("特化係数（県=1）", "LQ (prefecture = 1)"),
    "muni_strength": ("強み", "Strength"),
    "muni_from": ("前年", "From"),
    "muni_to": ("後年", "To"),
    "muni_change": ("増減", "Change"),
    "muni_rule": ("強み（★）: 特化係数 1.2 以上、域内シェア 1% 以上、従業者 100 人以上（事業所は 10 以上）。",
                  "Strength (★): LQ ≥ 1.2, at least 1% of the total and at least 100 employees (10 establishments)."),
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

    # Accessibility and one language per page (issue 12).
    "nav_label": ("ページ", "Pages"),
    "footer": ("chiiki — 出典は各図の下と「データと出典」に",
               "chiiki — sources under each chart and on Data and sources"),
    "present_help": ("← → で移動、Esc で終了", "← → to step, Esc to leave"),
    "print": ("印刷", "Print"),
    "sources_head": ("出典", "Sources"),
    "catalog_count": ("{shown} / {total} 指標", "{shown} / {total} indicators"),
    # API page: each parameter's description, keyed by the description in callbacks/api_spec.py
    # (`…` is shown as code: parameter values are the same in both languages).
    "notice_no_municipal": ("level=municipality（{ind} には市区町村のデータがありません）",
                            "level=municipality ({ind} has no municipal data)"),
    "notice_year": ("year={year}（値のある年: {years}）", "year={year} (available: {years})"),
    "notice_none": ("なし", "none"),
    "notice_norm_counts": ("norm={norm}（件数・人数の指標にだけ使えます）", "norm={norm} (applies to counts only)"),
    "api_required": ("（必須）", " (required)"),
    "api_param:json (default) or csv (UTF-8 with BOM, opens in Excel); `Accept: text/csv` does the same": (
        "`json`（既定）または `csv`（UTF-8・BOM付き、Excel で開けます）。`Accept: text/csv` でも同じ",
        "`json` (default) or `csv` (UTF-8 with BOM, opens in Excel); `Accept: text/csv` does the same"),
    "api_param:indicator id, e.g. A1101": ("指標ID（例: `A1101`）", "indicator id, e.g. `A1101`"),
    "api_param:prefecture (default), municipality or group (全国, blocks, 三大都市圏, 地方圏)": (
        "`prefecture`（都道府県、既定）、`municipality`（市区町村）または "
        "`group`（全国、ブロック、三大都市圏、地方圏）",
        "`prefecture` (default), `municipality` or `group` (Japan, the blocks, the three metropolitan areas, "
        "the rest of Japan)"),
    "api_param:indicator id (see /indicators)": ("指標ID（`/indicators` を参照）", "indicator id (see `/indicators`)"),
    "api_param:reference year; omitted = the latest year with data": (
        "対象年。省略すると値のある最新年", "reference year; omitted = the latest year with data"),
    "api_param:prefecture (default) or municipality": (
        "`prefecture`（都道府県、既定）または `municipality`（市区町村）", "`prefecture` (default) or `municipality`"),
    "api_param:limit municipalities to one prefecture (two-digit code)": (
        "市区町村を1つの都道府県に絞る（2桁のコード）", "limit municipalities to one prefecture (two-digit code)"),
    "api_param:none (default), per_1000, per_km2, share, relative or deviation": (
        "`none`（そのまま、既定）、`per_1000`、`per_km2`、`share`、`relative`、`deviation`",
        "`none` (default), `per_1000`, `per_km2`, `share`, `relative` or `deviation`"),
    "api_param:employees (default), establishments or value_added": (
        "`employees`（従業者数、既定）、`establishments`（事業所数）、`value_added`（付加価値額）",
        "`employees` (default), `establishments` or `value_added`"),
    "api_param:nation (default) or, for municipalities, their own prefecture": (
        "`nation`（全国、既定）または市区町村ではその都道府県",
        "`nation` (default) or, for municipalities, their own prefecture"),
    "api_param:only this region's rows (code)": ("この地域の行だけ（コード）", "only this region's rows (code)"),
    "api_param:indicator id": ("指標ID", "indicator id"),
    "api_param:comma-separated indicator ids": ("指標IDをカンマ区切りで", "comma-separated indicator ids"),
    "api_param:id=weight pairs, e.g. a=2,b=1": ("`指標ID=重み` の組（例: `a=2,b=1`）",
                                                "`id=weight` pairs, e.g. `a=2,b=1`"),
    "api_param:prefecture code 01–47": ("都道府県コード 01〜47", "prefecture code 01–47"),
    "api_param:municipality code (5 digits, e.g. 08202)": ("市区町村コード（5桁、例: `08202`）",
                                                           "municipality code (5 digits, e.g. `08202`)"),
    "api_param:prefecture code 01–47 or municipality code (5 digits, e.g. 08202)": (
        "都道府県コード 01〜47 または市区町村コード（5桁、例: `08202`）",
        "prefecture code 01–47 or municipality code (5 digits, e.g. `08202`)"),
    "api_param:municipality code (5 digits, e.g. 08202) or prefecture code 01–47 (distance peers only)": (
        "市区町村コード（5桁、例: `08202`）、または都道府県コード 01〜47（距離による近い地域のみ）",
        "municipality code (5 digits, e.g. `08202`) or prefecture code 01–47 (distance peers only)"),
    "api_param:ruiji (MIC peer type only) or distance (nearest on the profile only); omitted = both": (
        "`ruiji`（類似団体のみ）または `distance`（指標の組み合わせで近い地域のみ）。省略時は両方",
        "`ruiji` (MIC peer type only) or `distance` (nearest on the profile only); omitted = both"),
    "api_param:ja (default) or en": ("`ja`（日本語、既定）または `en`（英語）", "`ja` (default) or `en`"),
    "api_intro": ("ダッシュボードに表示するすべての数値を、出典とクレジット付きで HTTP から取得できます"
                  "（読み取り専用・登録不要）。2025年3月に終了した RESAS API の代わりに使えます。",
                  "Every figure the dashboard shows, with its source and credit, over plain HTTP: read-only, no key. "
                  "It replaces the RESAS API, closed in March 2025."),
    "api_rules": ("応答の `meta` に `source`（出典）、`credit`（クレジット）、`licence`（利用条件）、`data_version` が"
                  "入ります。利用する際は `credit` の文言で出典を明記してください。`?format=csv`（または "
                  "`Accept: text/csv`）で Excel で開ける CSV（UTF-8、BOM付き）になります。エラーは RFC 9457 の "
                  "`problem+json` で、誤ったパラメータを示します。",
                  "Each response's `meta` names its `source`, `credit`, `licence` and `data_version`. Credit the "
                  "source with the `credit` line when you use the figures. `?format=csv` (or `Accept: text/csv`) "
                  "gives CSV (UTF-8 with BOM) that Excel opens. Errors are RFC 9457 `problem+json` naming the bad "
                  "parameter."),

    # Map year slider, play/pause and years without values (map page).
    "map_play": ("▶ 再生", "▶ Play"),
    "map_pause": ("⏸ 一時停止", "⏸ Pause"),
    "map_play_help": ("年を順に表示します（1.2秒ごと、最後の年で停止）",
                      "Steps through the years (every 1.2 s, stops at the last year)"),
    "map_year_shown": ("{year}年", "{year}"),
    "map_empty_no_national": ("{name}: {year}年の全国値がないため、「{norm}」は計算できません。",
                              "{name}: no national value for {year}, so '{norm}' cannot be computed."),
    "map_empty_no_denominator": ("{name}: {year}年に割る値（人口・面積）がないため、「{norm}」は計算できません。",
                                 "{name}: no population or area to divide by for {year}, so '{norm}' cannot "
                                 "be computed."),
    "map_empty_no_values": ("{name}: {year}年の値がある地域はありません。",
                            "{name}: no region has a value for {year}."),
    "map_empty_nearest": ("値のある最も近い年（{year}年）を表示", "Show {year}, the nearest year with values"),
    "map_empty_no_year": ("この表示方法で値のある年はありません。", "No year has values shown this way."),
    "map_empty_as_published": ("{year}年のそのままの値を表示", "Show the values as published for {year}"),

    # Compare page: location quotients side by side, image exports of the scatter and series (issue 12).
    "compare_lq_head": ("特化係数で比較", "Compare location quotients"),
    "compare_lq_about": ("特化係数＝（地域のその産業の割合）÷（全国のその産業の割合）。1 より大きければ全国より"
                         "集積しています。各係数の横に、もとになった実数を示します。",
                         "LQ = the industry's share of the region ÷ its share of Japan; above 1 the region is more "
                         "specialised than Japan. The count behind each LQ is shown beside it."),
    "compare_lq_unit": ("特化係数 (全国=1)", "LQ (Japan = 1)"),
    "compare_lq_reference": ("全国 = 1", "Japan = 1"),
    "compare_lq_share": ("域内シェア（%）", "Share of the region (%)"),
    "compare_lq_groups": ("特化係数は都道府県ごとの値です。地域グループ（{names}）は含みません。",
                          "Location quotients are given for prefectures; groups are left out ({names})."),
    "compare_lq_none": ("特化係数を比べるには都道府県を選んでください。",
                        "Choose prefectures to compare their location quotients."),
    "compare_lq_year_source": ("{year}年。{source}", "{year}. {source}"),
    "compare_export_scatter": ("散布図を書き出し", "Export the scatter"),
    "compare_export_series": ("推移を書き出し", "Export the time series"),
    "compare_export_lq": ("特化係数を書き出し", "Export the location quotients"),

    # Municipalities compared, clicked on the map and searched by name from the nav (issue 13).
    "compare_muni": ("市区町村を県・類似団体・全国と比べる",
                     "Compare a municipality with its prefecture, peers and Japan"),
    "compare_muni_go": ("比べる", "Compare"),
    "compare_muni_hint": ("市区町村名を入力", "Type a municipality's name"),
    "compare_regions_hint": ("都道府県・地域・市区町村名を入力", "Prefectures, groups or municipalities by name"),
    "compare_peer_median": ("類似団体（{type}）中央値", "Peer median ({type})"),
    "compare_peer_n": ("類似団体（{type}）中央値 n={n}", "Peer median ({type}), n={n}"),
    "compare_peer_about": ("類似団体中央値は、同じ類似団体（総務省の類型）に属する市区町村の値の中央値です"
                           "（値のない団体は除き、数えた団体数を名前に添えます）。",
                           "A peer median is the median of the values of the municipalities of the same peer type "
                           "(the grouping of the Ministry of Internal Affairs and Communications), leaving out those "
                           "without a value; n is how many were counted."),
    "compare_too_many": ("{n}市区町村（類似団体中央値を含む）が指定されました。比べられるのは{max}までです。"
                         "最初の{max}を表示します。",
                         "{n} municipalities (peer medians included) were given; up to {max} can be compared. "
                         "The first {max} are shown."),
    "compare_too_many_regions": ("{n}地域が指定されました。比べられるのは{max}地域までです。"
                                 "最初の{max}地域を表示します。",
                                 "{n} regions were given; up to {max} can be compared. The first {max} are shown."),
    "compare_no_muni_data": ("{names}: この指標には市区町村のデータがありません。",
                             "{names}: this indicator has no municipal data."),
    "compare_no_pref_data": ("{names}: この指標は市区町村の値だけで、都道府県・地域の値はありません。",
                             "{names}: this indicator has municipal values only, none for prefectures or groups."),
    "compare_year_note": ("{year}年の値で比べています（市区町村の値がある年）。",
                          "Compared at {year}, a year with municipal values."),
    "compare_lq_munis": ("市区町村の特化係数は{year}年だけです。",
                         "Municipal location quotients exist for {year} only."),
    "search_label": ("地域を名前で探す", "Find a region by name"),
    "search_placeholder": ("例: 日立市、府中", "e.g. Tokyo, or a municipality"),
    "search_go": ("開く", "Open"),
    "search_none": ("該当する地域がありません", "No region matches"),
    "search_many": ("候補が複数あります。一覧から選んでください", "Several regions match; choose one from the list"),
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


BROWSER_KEYS = ("chart_data", "chart_item", "chart_value", "copy_link", "link_copied", "copy_failed", "tour_views",
                "tour_builtin", "tour_up", "tour_down", "tour_remove", "tour_clear",
                "search_none", "search_many", "search_label", "search_placeholder",  # nav search, issue 13
                *(f"nav_{p}" for p in ("start", "map", "profile", "compare", "industry", "index", "data", "api")))


def browser_strings() -> dict[str, dict[str, str]]:
    """The strings assets/app.js shows, by language, so they are translated here and nowhere else."""
    return {lang: {k: t(k, lang) for k in BROWSER_KEYS} for lang in LANGS}

