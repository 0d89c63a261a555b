-- title: Enforcement actions by year and type · 按年份与类型统计的执法行动
-- description: Enforcement and legal actions counted by action type and by the year they refer to (as_of, else the start of their period, else the year of the source's publication). 执法与法规行动按类型和年份计数。
select
  substr(coalesce(nullif(e.as_of, ''), nullif(e.period_start, ''), s.date_published), 1, 4) as year,
  e.action_type,
  a.label_zh as action_type_zh,
  a.label_en as action_type_en,
  count(*) as actions,
  group_concat(e.id, ', ') as ids
from enforcement_actions e
join sources s on s.id = e.source_id
join codes_action_type a on a.code = e.action_type
group by year, e.action_type
order by year, actions desc, e.action_type
