/*
 * gen_text: the names and the Chinese text `liaison gen` writes. Names are a common surname and
 * one or two common given-name characters, never a real person's on purpose. An opinion is an
 * opening, a matter of its category about a real place name, and a request, drawn from
 * per-category templates, so a province's five million read like a county's mailbag and the
 * trigram index sees realistic text.
 */
#include <stdio.h>
#include <string.h>

#include "cli/gen.h"

const char *const gen_category_codes[10] = {"urban",       "traffic", "education", "health", "social",
                                            "environment", "rural",   "business",  "safety", "other"};

const char *const gen_departments[] = {
    "发展和改革委员会", "教育局",     "公安局",           "民政局",         "人力资源和社会保障局",
    "自然资源和规划局", "生态环境局", "住房和城乡建设局", "交通运输局",     "水务局",
    "农业农村局",       "商务局",     "卫生健康委员会",   "应急管理局",     "市场监督管理局",
    "医疗保障局",       "城市管理局", "文化广电和旅游局", "退役军人事务局", "数据局",
};
const int gen_ndepartments = (int)GEN_COUNT(gen_departments);

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
                                       "马", "朱", "胡", "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋",
                                       "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "田", "董", "袁", "潘",
                                       "蒋", "蔡", "缪", "季", "顾", "陆", "范", "丁", "沈", "姚", "施", "葛",
                                       "钱", "戴", "严", "秦", "仇", "冒", "储", "汤", "卢", "花", "印", "吕"};
static const char *const given_chars[] = {
    "建", "国", "志", "强", "秀", "英", "桂", "海", "燕", "丽", "华", "明", "伟", "芳", "敏", "静", "磊",
    "洋", "勇", "艳", "杰", "军", "涛", "超", "霞", "平", "刚", "玉", "兰", "春", "梅", "晓", "东", "红",
    "文", "峰", "庆", "卫", "金", "凤", "永", "生", "美", "玲", "德", "晨", "婷", "宇", "思", "远", "佳",
    "欣", "浩", "然", "子", "涵", "雨", "轩", "俊", "霖", "萍", "娟", "琴", "斌", "鹏", "飞", "荣", "新"};

void gen_person_name(gen_t *g, char *out, size_t cap)
{
    const char *s = GEN_PICK(g, surnames), *a = GEN_PICK(g, given_chars);
    if (gen_chance(g, 300))
        snprintf(out, cap, "%s%s", s, a);
    else
        snprintf(out, cap, "%s%s%s", s, a, GEN_PICK(g, given_chars));
}

static const char *const occupations[] = {
    "农民",   "村党总支书记", "社区居委会主任", "企业负责人", "个体工商户",       "教师",
    "医生",   "律师",         "工人",           "渔民",       "镇干部",           "科技人员",
    "养殖户", "护士",         "退休干部",       "快递员",     "农业合作社理事长", "街道干部"};
static const char *const sectors[] = {"工人", "农民", "干部", "专业技术人员", "其他"};

const char *gen_occupation(gen_t *g)
{
    return GEN_PICK(g, occupations);
}
const char *gen_sector(gen_t *g)
{
    return GEN_PICK(g, sectors);
}

/* {P} in a template is the place. */
static const char *const openings[] = {"",
                                       "",
                                       "我是{P}的居民，",
                                       "{P}村民反映：",
                                       "我家住在{P}，",
                                       "{P}群众来电反映，",
                                       "作为{P}的一名老党员，",
                                       "本人在{P}经营小店，"};
static const char *const requests[] = {"希望有关部门尽快解决。",    "请代表帮忙反映。", "恳请相关部门重视。",
                                       "希望能给个答复。",          "盼早日落实。",     "请予协调解决，谢谢！",
                                       "群众意见较大，望尽快处理。"};

static const char *const matters[10][6] = {
    {"{P}老旧小区雨污管网老化，一下雨就积水，", "{P}主干道路灯坏了一个多月没人修，晚上出行很不安全，",
     "{P}新建小区配套的菜市场迟迟没有开业，买菜要跑很远，", "{P}老小区加装电梯的补贴政策不清楚，",
     "{P}一带违章搭建越来越多，占用了公共通道，", "{P}小区物业服务差，收费不透明，"},
    {"{P}路口红绿灯时间太短，老人过马路来不及，", "{P}公交车班次太少，上下班等车要半个多小时，",
     "{P}村口道路没有减速带，车速太快，已发生过几次险情，", "{P}公交站台没有遮雨棚，下雨天只能淋雨等车，",
     "{P}学校门口上下学时段拥堵严重，", "{P}通往镇上的道路坑洼不平，电动车经常摔倒，"},
    {"{P}幼儿园学位紧张，孩子上学要排队，", "{P}小学放学时间早，双职工家庭接孩子困难，",
     "{P}学校食堂饭菜质量有待提高，", "{P}村小撤并后孩子上学路途太远，", "希望在{P}开设课后托管服务，",
     "{P}中学周边文具店售卖不健康读物，"},
    {"{P}卫生服务站周末不开门，老人看病取药不方便，", "{P}医院挂号难，专家号一号难求，",
     "{P}家庭医生签约后很少上门随访，", "{P}村卫生室常用药品经常缺货，", "希望在{P}增设慢性病用药配送点，",
     "{P}医保报销手续繁琐，异地就医结算不便，"},
    {"{P}独居老人多，希望定期上门走访，", "{P}养老服务中心床位不足，", "{P}残疾人补贴发放不及时，",
     "{P}居家养老助餐点太少，老人吃饭不方便，", "{P}低保审核时间太长，", "{P}灵活就业人员参保政策宣传不到位，"},
    {"{P}河道垃圾清运不及时，夏天气味很大，", "{P}附近工厂夜间排放废气，气味刺鼻，",
     "{P}工地夜间施工噪音扰民，晚上十点以后还在作业，", "{P}垃圾分类设施不足，投放点经常满溢，",
     "{P}河塘水质变差，鱼虾大量死亡，", "{P}餐饮店油烟直排，影响周边居民，"},
    {"{P}机耕路坑洼严重，农忙时农机进出困难，", "{P}农田灌溉渠年久失修，漏水严重，", "{P}种粮补贴标准希望公开，",
     "{P}农产品销路不畅，希望搭建销售平台，", "{P}高标准农田建设后排水不畅，",
     "{P}村里自来水水压不稳，高峰时段经常停水，"},
    {"{P}个体工商户办证要跑多个窗口，希望一窗通办，", "{P}小微企业贷款难、贷款贵，",
     "{P}商铺租金上涨过快，小店经营困难，", "{P}企业用工招聘难，希望组织招聘会，",
     "{P}政府项目工程款拖欠，影响企业经营，", "{P}夜市摊位管理规定不明确，"},
    {"{P}夜间电动车乱停放，消防通道被占，存在安全隐患，", "{P}小区监控长期损坏，近期发生多起盗窃，",
     "{P}老旧电线私拉乱接，存在火灾隐患，", "{P}河边没有护栏，孩子玩耍有落水危险，",
     "{P}电信诈骗案件多发，希望加强宣传，", "{P}校园周边有无证流动摊贩，"},
    {"{P}便民服务中心办事要排很长的队，", "{P}文化活动场地太少，群众没地方跳广场舞，", "希望在{P}多组织一些文体活动，",
     "{P}政务服务网上办理系统经常卡顿，", "{P}公共厕所数量不足，", "{P}图书室开放时间太短，"},
};

static const char *const answers[] = {
    "经{P}现场核实，已安排专人处理，问题已解决，感谢您的监督。",
    "您反映的问题已转交{P}办理，已列入今年计划，预计年内完成。",
    "{P}已会同相关单位现场查看，制定整改方案，目前正在推进中。",
    "经了解，该事项涉及政策调整，{P}已向上级反映，并将做好解释工作。",
    "{P}已对相关情况进行检查，责令整改，后续将加强日常巡查。",
};

static void fill(const char *tpl, const char *place, char **p, char *end)
{
    for (const char *s = tpl; *s && *p < end - 1;) {
        if (strncmp(s, "{P}", 3) == 0) {
            size_t n = strlen(place);
            if (n > (size_t)(end - 1 - *p))
                n = (size_t)(end - 1 - *p);
            memcpy(*p, place, n);
            *p += n;
            s += 3;
        } else
            *(*p)++ = *s++;
    }
    **p = '\0';
}

void gen_opinion_text(gen_t *g, int category, const char *place, char *out, size_t cap)
{
    char *p = out, *end = out + cap;
    fill(GEN_PICK(g, openings), place, &p, end);
    /* the opening already named the place: the matter leaves it out, or says 当地 inside a sentence */
    const char *matter = GEN_PICK(g, matters[category]);
    fill(matter, p == out ? place : strncmp(matter, "{P}", 3) == 0 ? "" : "当地", &p, end);
    fill(GEN_PICK(g, requests), place, &p, end);
}

void gen_village_place(const char *name, char *out, size_t cap)
{
    static const char *const suffixes[][2] = {
        {"社区居民委员会", "社区"}, {"村民委员会", "村"}, {"社区居委会", "社区"}, {"村委会", "村"}, {"居委会", "社区"}};
    size_t n = strlen(name);
    for (size_t i = 0; i < GEN_COUNT(suffixes); i++) {
        size_t k = strlen(suffixes[i][0]);
        if (n > k && strcmp(name + n - k, suffixes[i][0]) == 0) {
            snprintf(out, cap, "%.*s%s", (int)(n - k), name, suffixes[i][1]);
            return;
        }
    }
    snprintf(out, cap, "%s", name);
}

void gen_answer_text(gen_t *g, int category, const char *unit_or_place, char *out, size_t cap)
{
    (void)category;
    char *p = out, *end = out + cap;
    fill(GEN_PICK(g, answers), unit_or_place, &p, end);
}

static const char *const suggestion_titles[10] = {
    "关于加快{P}老旧小区改造的建议",     "关于优化{P}公共交通线路的建议",     "关于缓解{P}学位紧张的建议",
    "关于提升{P}基层医疗服务能力的建议", "关于完善{P}居家养老服务体系的建议", "关于加强{P}河道综合治理的建议",
    "关于推进{P}高标准农田建设的建议",   "关于优化{P}营商环境的建议",         "关于加强{P}安全隐患排查整治的建议",
    "关于丰富{P}群众文化生活的建议"};

void gen_suggestion_text(gen_t *g, int category, const char *place, char *title, size_t tcap, char *content,
                         size_t ccap)
{
    char *p = title;
    fill(suggestion_titles[category], place, &p, title + tcap);
    char matter[512];
    p = matter;
    fill(GEN_PICK(g, matters[category]), place, &p, matter + sizeof(matter));
    snprintf(content, ccap,
             "近年来，%s群众反映较为集中的问题是：%s经调研发现，问题的主要原因在于投入不足、责任分散。"
             "建议：一是加大资金投入，列入年度民生实事项目；二是明确牵头单位，建立长效管理机制；"
             "三是加强督查考核，定期向代表和群众通报进展。",
             place, matter);
}

const char *gen_rating_comment(gen_t *g, int rating)
{
    static const char *const good[] = {"处理很及时，谢谢！", "问题解决了，满意。", "工作人员态度很好。", ""};
    static const char *const bad[] = {"问题没有实际解决。", "答复敷衍，希望再落实。", "只是解释，没有行动。"};
    return rating == 3 ? GEN_PICK(g, bad) : GEN_PICK(g, good);
}
