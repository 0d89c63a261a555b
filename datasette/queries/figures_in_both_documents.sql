-- title: Figures stated in both documents, side by side · 两份文件中都出现的数字对照
-- description: A statement made by both documents has one row per document, with the same id stem ending in -2020pp (position paper) and -2021wp (white paper). This lists every such pair that carries a figure, with both values and quotes; `same_value` is 0 where the documents disagree (for example crop germplasm: 51万 in 2020, 52万余 in 2021). 两份文件都陈述的数字并列对照；same_value 为 0 表示两份文件数值不同。
with statements as (
  select 'protected_areas' as resource, id, subject_en, measure, value, qualifier, unit, as_of, quote from protected_areas
  union all
  select 'germplasm_banks', id, subject_en, measure, value, qualifier, unit, as_of, quote from germplasm_banks
  union all
  select 'enforcement_actions', id, subject_en, measure, value, qualifier, unit, as_of, quote from enforcement_actions
  union all
  select 'international_partnerships', id, subject_en, measure, value, qualifier, unit, as_of, quote from international_partnerships
  union all
  select 'indicators', id, subject_en, measure, value, qualifier, unit, as_of, quote from indicators
)
select
  pp.resource,
  substr(pp.id, 1, length(pp.id) - 7) as statement,
  pp.subject_en,
  (select label from codes_measure where code = pp.measure) as measure,
  (select label from codes_unit where code = pp.unit) as unit,
  pp.value as value_2020pp,
  (select label from codes_qualifier where code = pp.qualifier) as qualifier_2020pp,
  wp.value as value_2021wp,
  (select label from codes_qualifier where code = wp.qualifier) as qualifier_2021wp,
  (pp.value is wp.value and pp.qualifier is wp.qualifier) as same_value,
  pp.quote as quote_2020pp,
  wp.quote as quote_2021wp
from statements pp
join statements wp
  on wp.resource = pp.resource
 and wp.id = substr(pp.id, 1, length(pp.id) - 7) || '-2021wp'
where pp.id like '%-2020pp'
  and (pp.value is not null or wp.value is not null)
order by same_value, pp.resource, statement
