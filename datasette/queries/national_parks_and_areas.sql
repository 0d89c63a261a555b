-- title: National parks and protected-area sizes · 国家公园与自然保护地面积
-- description: Every statement about national parks (pilots and the national-park-based system) and every protected-area figure measured as an area, with its quote. 所有关于国家公园（含试点）的陈述及以面积计的自然保护地数字，附原文。
select
  p.id,
  d.label_zh as designation_zh,
  d.label_en as designation_en,
  p.subject_zh,
  p.subject_en,
  (select label from codes_measure where code = p.measure) as measure,
  p.value,
  (select label from codes_qualifier where code = p.qualifier) as qualifier,
  (select label from codes_unit where code = p.unit) as unit,
  p.as_of,
  p.source_id,
  p.quote
from protected_areas p
join codes_designation d on d.code = p.designation
where p.designation like 'national_park%'
   or p.subject_zh like '%国家公园%'
   or p.measure = 'area'
order by p.measure = 'area' desc, p.value desc, p.id
