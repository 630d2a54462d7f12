-- Workload of traces/real/sqlite3-libcalls: a small table, an index, a join, aggregates.
create table item(id integer primary key, name text, price real);
create table sale(item integer, qty integer);
insert into item(name, price) values ('bolt', 0.1), ('nut', 0.05), ('gear', 2.5), ('shaft', 7.0);
insert into sale values (1, 100), (2, 250), (3, 4), (1, 30), (4, 1), (3, 2);
create index sale_item on sale(item);
select i.name, sum(s.qty), sum(s.qty * i.price) from sale s join item i on i.id = s.item
  group by i.name order by 3 desc;
select count(*), max(price) from item where name like '%t%';
