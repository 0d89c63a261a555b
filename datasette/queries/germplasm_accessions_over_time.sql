-- title: Germplasm accessions over time · 种质资源保存份数变化
-- description: Collections counted in accessions (份), by taxon group, ordered by the date each figure refers to (or, when the text gives none, the publication date of its source). Both documents' figures appear, so growth between 2020 and 2021 is visible. 以“份”计的种质资源保存数，按类群与时间排列。
select
  g.taxon_group,
  coalesce(nullif(g.as_of, ''), s.date_published) as as_of_or_published,
  g.as_of,
  g.subject_zh,
  g.subject_en,
  st.label_en as storage,
  g.value as accessions,
  (select label from codes_qualifier where code = g.qualifier) as qualifier,
  g.source_id,
  g.id,
  g.quote
from germplasm_banks g
join sources s on s.id = g.source_id
left join codes_storage st on st.code = g.storage
where g.measure = 'accessions'
order by g.taxon_group, as_of_or_published, g.id
