-- title: Partnerships by partner country · 各国合作数量
-- description: How many partnership statements name each partner country (ISO 3166-1 alpha-3), with the statements' ids. 每个合作国家在国际合作陈述中被提及的次数。
select
  c.code as iso3,
  c.label_zh as country_zh,
  c.label_en as country_en,
  count(*) as statements,
  group_concat(p.id, ', ') as ids
from international_partnerships p, json_each(p.partners_iso3) as partner
join codes_country c on c.code = partner.value
group by c.code
order by statements desc, c.code
