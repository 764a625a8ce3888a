-- Notification gateways and webhooks out (SPEC §9).
--
-- The outbox (006) stays the one queue. A message may go to several channels at once (the
-- office's webhook, its command, e-mail); channels_done names those that took it, so a retry
-- after a partial failure sends only to the rest. After --notify-max-attempts failed tries a
-- message is dead (dead_at): the dispatcher leaves it until an admin puts it back.
--
-- Integrators subscribe to events; each such event puts one outbox row per matching subscription
-- (recipient "subscription:ID"), so every subscriber has its own retries and dead letters. The
-- subscription's secret is the HMAC key the server signs with, so it cannot be kept as a hash: it
-- is sealed with the data key (liaison.key), and a copy of the database alone signs nothing.

ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT ''; -- where e-mail notifications go
ALTER TABLE units ADD COLUMN email TEXT NOT NULL DEFAULT '';

ALTER TABLE outbox ADD COLUMN channels_done TEXT NOT NULL DEFAULT ''; -- " webhook email " (spaced)
ALTER TABLE outbox ADD COLUMN tried_at INTEGER;                        -- the last try
ALTER TABLE outbox ADD COLUMN dead_at INTEGER;                         -- tries used up: a dead letter
UPDATE outbox SET dead_at = next_at WHERE delivered_at IS NULL AND attempts >= 10;
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(next_at) WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_dead ON outbox(dead_at) WHERE dead_at IS NOT NULL AND delivered_at IS NULL;

CREATE TABLE webhook_subscriptions (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL,                      -- http:// or https://
    secret_sealed TEXT NOT NULL,                      -- the HMAC-SHA256 key, sealed (vault)
    events        TEXT NOT NULL,                      -- " opinion.created opinion.answered " (spaced)
    region_code   TEXT NOT NULL REFERENCES regions(code), -- events of this subtree only
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by    INTEGER REFERENCES users(id),
    created_at    INTEGER NOT NULL,
    deleted_at    INTEGER
);
CREATE INDEX webhook_subscriptions_region ON webhook_subscriptions(region_code);

-- What a person reads, per event, channel and language. The dispatcher takes the most precise
-- row: (event, channel), then (event, '*'), then ('*', '*'). {key} is filled from the member
-- key of the message's payload, which holds only what belongs to its recipient; {event} and
-- {id} are the message's own. Staff read them at GET /api/v1/outbox/templates.
CREATE TABLE notification_templates (
    event   TEXT NOT NULL,                            -- opinion.answered, or '*' for any
    channel TEXT NOT NULL CHECK (channel IN ('*', 'webhook', 'command', 'email')),
    lang    TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
    subject TEXT NOT NULL,
    body    TEXT NOT NULL,
    PRIMARY KEY (event, channel, lang)
) WITHOUT ROWID;

INSERT INTO notification_templates (event, channel, lang, subject, body) VALUES
    ('*', '*', 'zh', '代表联络站通知', '您有一条新的通知（{event}），请登录代表联络站查看。'),
    ('*', '*', 'en', 'Liaison notice', 'You have a new notice ({event}); sign in to Liaison to read it.'),
    ('opinion.answered', '*', 'zh', '您的意见已答复',
     '您反映的意见（查询码 {tracking_code}）已有答复，请凭查询码查看并评价。'),
    ('opinion.answered', '*', 'en', 'Your opinion has an answer',
     'The opinion you sent (tracking code {tracking_code}) has an answer: look it up with the code and rate it.'),
    ('opinion.assigned', '*', 'zh', '新的群众意见待办理', '意见 {opinion_id} 已分派给您，请及时办理。'),
    ('opinion.assigned', '*', 'en', 'An opinion to handle', 'Opinion {opinion_id} has been given to you to handle.'),
    ('opinion.deadline_near', '*', 'zh', '意见办理即将到期', '意见 {opinion_id} 的办理期限临近，请尽快处理。'),
    ('opinion.deadline_near', '*', 'en', 'An opinion is nearly due', 'Opinion {opinion_id} is nearly due.'),
    ('referral.sent', '*', 'zh', '新的交办件', '意见 {opinion_id} 已交办贵单位，请在期限内办理并答复。'),
    ('referral.sent', '*', 'en', 'A referral for your unit',
     'Opinion {opinion_id} has been referred to your unit: reply before it is due.'),
    ('referral.replied', '*', 'zh', '承办单位已答复', '意见 {opinion_id} 的承办单位已答复，请审核后回复群众。'),
    ('referral.replied', '*', 'en', 'A unit replied', 'The unit has replied on opinion {opinion_id}: review it and answer.'),
    ('referral.deadline_near', '*', 'zh', '交办件即将到期', '交办的意见 {opinion_id} 办理期限临近，请尽快答复。'),
    ('referral.deadline_near', '*', 'en', 'A referral is nearly due', 'The referral of opinion {opinion_id} is nearly due.'),
    ('booking.confirmed', '*', 'zh', '预约成功', '您已预约接待活动，预约码 {booking_code}。'),
    ('booking.confirmed', '*', 'en', 'Booking confirmed', 'Your visit is booked: booking code {booking_code}.'),
    ('booking.reminder', '*', 'zh', '接待活动提醒', '您预约的接待活动（预约码 {booking_code}）将于明天举行。'),
    ('booking.reminder', '*', 'en', 'Your visit is tomorrow', 'The visit you booked (code {booking_code}) is tomorrow.'),
    ('booking.cancelled', '*', 'zh', '接待活动已取消', '您预约的接待活动（预约码 {booking_code}）已取消。'),
    ('booking.cancelled', '*', 'en', 'Visit cancelled', 'The visit you booked (code {booking_code}) is cancelled.'),
    ('suggestion.replied', '*', 'zh', '建议已有答复', '您的建议“{title}”承办单位已答复，请查看并评价。'),
    ('suggestion.replied', '*', 'en', 'Your suggestion has a reply',
     'A unit has replied to your suggestion "{title}": read it and rate it.'),
    ('opinion.answered', 'email', 'zh', '【代表联络站】您的意见已答复',
     '您好：

您反映的意见（查询码 {tracking_code}）已有答复。请在代表联络站网站凭查询码查看答复，并告诉我们您是否满意。

此邮件由系统自动发送，请勿回复。'),
    ('opinion.answered', 'email', 'en', '[Liaison] Your opinion has an answer',
     'Hello,

The opinion you sent (tracking code {tracking_code}) has an answer. Look it up on the Liaison site with the code, and tell us whether it satisfies you.

This message was sent automatically; please do not reply.'),
    ('opinion.assigned', 'email', 'zh', '【代表联络站】新的群众意见待办理',
     '您好：

意见 {opinion_id} 已分派给您，请登录代表联络站工作台及时办理。

此邮件由系统自动发送，请勿回复。'),
    ('opinion.assigned', 'email', 'en', '[Liaison] An opinion to handle',
     'Hello,

Opinion {opinion_id} has been given to you. Sign in to the Liaison workspace to handle it.

This message was sent automatically; please do not reply.');
